package extract

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	for _, site := range []string{"wix", "nightingale", "plain"} {
		root := "../oldsites/sites/" + site
		fs.WalkDir(os.DirFS(root), ".", func(p string, de fs.DirEntry, err error) error {
			if de.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".htm") || !strings.Contains(de.Name(), ".")) {
				return nil
			}
			b, _ := os.ReadFile(root + "/" + p)
			u, _ := url.Parse("http://example.test/" + p)
			d, err := Page(b, u)
			fmt.Printf("\n======== %s/%s err=%v\n", site, p, err)
			if d == nil {
				return nil
			}
			fmt.Printf("TITLE %q PUB %v\nIMAGES %v\nDROPPED %v\nFOUND %v\n", d.Title, d.Published, d.Images, d.Dropped, d.Found)
			for _, l := range d.Links {
				fmt.Printf("  LINK %s %q\n", l.URL, l.Text)
			}
			fmt.Println("---\n" + d.Markdown(Rewrite{}))
			return nil
		})
	}
}
