package main

import (
	"path/filepath"
	"testing"
)

func TestConfigMediaDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, filepath.Join("data", "media")},
		{map[string]string{"PCNWEB_DATA_DIR": "/var/lib/pcnweb"}, "/var/lib/pcnweb/media"},
		{map[string]string{"PCNWEB_DATA_DIR": "/var/lib/pcnweb", "PCNWEB_MEDIA_DIR": "/srv/media"}, "/srv/media"},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string { return tt.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if c.MediaDir != tt.want {
			t.Errorf("with %v: MediaDir %q, want %q", tt.env, c.MediaDir, tt.want)
		}
	}
}

func TestConfigMediaDecodes(t *testing.T) {
	tests := []struct {
		value string
		want  int // 0: refused
	}{
		{"", 2},
		{"1", 1},
		{"4", 4},
		{"0", 0},
		{"-1", 0},
		{"two", 0},
		{"1000", 0},
	}
	for _, tt := range tests {
		c, err := loadConfig(func(k string) string { return map[string]string{"PCNWEB_MEDIA_DECODES": tt.value}[k] })
		switch {
		case tt.want == 0 && err == nil:
			t.Errorf("PCNWEB_MEDIA_DECODES=%q accepted (%d)", tt.value, c.MediaDecodes)
		case tt.want != 0 && (err != nil || c.MediaDecodes != tt.want):
			t.Errorf("PCNWEB_MEDIA_DECODES=%q: %d, %v; want %d", tt.value, c.MediaDecodes, err, tt.want)
		}
	}
}
