package themes

// JSON-LD: one data block in <head> that parses back to what the page was
// given, whatever its strings try to close.

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// checkJSONLD parses the JSON-LD data block and compares it with want.
func checkJSONLD(t *testing.T, doc *html.Node, want any) {
	t.Helper()
	var blocks []string
	for _, s := range elements(doc, "script") {
		if typ, _ := attr(s, "type"); typ == "application/ld+json" && s.FirstChild != nil {
			blocks = append(blocks, s.FirstChild.Data)
		}
	}
	if len(blocks) != 1 {
		t.Fatalf("%d JSON-LD blocks", len(blocks))
	}
	var got, exp any
	if err := json.Unmarshal([]byte(blocks[0]), &got); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, blocks[0])
	}
	b, _ := json.Marshal(want)
	_ = json.Unmarshal(b, &exp)
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("JSON-LD = %v, want %v", got, exp)
	}
}

func TestJSONLD(t *testing.T) {
	r := mustLoad(t)
	type person struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	}
	for label, ld := range map[string]any{
		"map":        map[string]any{"@type": "Event", "name": hostileLD, "n": 1.5, "list": []any{"a</script>", nil, true}},
		"struct":     &person{Type: "Person", Name: "</SCRIPT >Jo & <!--"},
		"rawmessage": json.RawMessage(`{"@type":"Thing","name":"</script><script>x()</script>"}`),
		"string":     "</script>",
	} {
		t.Run(label, func(t *testing.T) {
			p := fullPage()
			p.JSONLD = ld
			out := render(t, r, "default", "home", p)
			if n := strings.Count(strings.ToLower(out), "</script"); n != 2 { // init.js and the JSON-LD block
				t.Errorf("%d </script> in output, want 2", n)
			}
			doc := checkDocument(t, r, out)
			checkJSONLD(t, doc, ld)
		})
	}
	// No block for nil, or for a typed nil map.
	for _, ld := range []any{nil, map[string]any(nil)} {
		p := fullPage()
		p.JSONLD = ld
		if out := render(t, r, "default", "home", p); strings.Contains(out, "ld+json") {
			t.Errorf("JSON-LD block for %#v", ld)
		}
	}
}
