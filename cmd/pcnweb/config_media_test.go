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
