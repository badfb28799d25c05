package richtext

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, in    string
		contains    []string
		notContains []string
	}{
		{"heading and list", "## Opening times\n\n- Monday\n- Tuesday", []string{`<h2 id="opening-times">Opening times</h2>`, "<li>Monday</li>"}, nil},
		{"h1 demoted", "# Title", []string{`<h2 id="title">Title</h2>`}, []string{"<h1"}},
		{"link kept", "[NHS 111](https://111.nhs.uk)", []string{`<a href="https://111.nhs.uk">NHS 111</a>`}, []string{"nofollow"}},
		{"phone link", "[Call us](tel:01234567890)", []string{`href="tel:01234567890"`}, nil},
		{"table", "| Day | Hours |\n|---|---|\n| Mon | 8am |", []string{"<table>", "<td>8am</td>"}, nil},
		{"raw script dropped", "hello <script>alert(1)</script>", []string{"hello"}, []string{"<script", "alert(1)</script"}},
		{"javascript link dropped", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"event handler dropped", `<img src=x onerror=alert(1)>`, nil, []string{"onerror"}},
		{"data url image dropped", "![x](data:text/html;base64,PHNjcmlwdD4=)", nil, []string{"data:text/html"}},
		{"iframe dropped", `<iframe src="https://evil.example"></iframe>`, nil, []string{"<iframe"}},
		{"style dropped", `<p style="color:red">x</p>`, nil, []string{"style="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Markdown(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.contains {
				if !strings.Contains(string(got), want) {
					t.Errorf("Markdown(%q) = %q, want it to contain %q", tt.in, got, want)
				}
			}
			for _, bad := range tt.notContains {
				if strings.Contains(string(got), bad) {
					t.Errorf("Markdown(%q) = %q, must not contain %q", tt.in, got, bad)
				}
			}
		})
	}
}

func TestMarkdownTooLarge(t *testing.T) {
	if _, err := Markdown(strings.Repeat("a", MaxSource+1)); err == nil {
		t.Fatal("want an error for an oversized body")
	}
}

// FuzzMarkdown checks that whatever the input, the output has no script
// element, no event-handler attribute and no javascript: URL.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"# hi", "<script>x</script>", "[a](javascript:x)", "<a href=\"&#106;avascript:x\">y</a>", "![Door](/media/12/1024.jpg)", "![x](/media/1/99999.png)", "<img src=/media/1/320.jpg srcset=\"//evil/x 1w\">", "<img src=x onerror=y>", "<svg><script>x</script></svg>", "```\n<script>\n```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Markdown(in)
		if err != nil {
			return
		}
		z := html.NewTokenizer(strings.NewReader(string(out)))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "form", "input":
				t.Fatalf("Markdown(%q) produced <%s>: %q", in, tok.Data, out)
			}
			for _, a := range tok.Attr {
				if a.Key == "srcset" || a.Key == "sizes" || a.Key == "loading" {
					if tok.Data != "img" || a.Key == "srcset" && !srcsetRE.MatchString(a.Val) {
						t.Fatalf("Markdown(%q) produced %s=%q on <%s>: %q", in, a.Key, a.Val, tok.Data, out)
					}
				}
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:") {
					t.Fatalf("Markdown(%q) produced attribute %s=%q: %q", in, a.Key, a.Val, out)
				}
			}
		}
	})
}
