package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// registering are the methods that add a route or middleware to a router.
// Each is looked up on its receiver's type (go/types), so that c.Get (a
// request header) or url.Values.Get do not count, while app.Get does
// however app is spelled.
var registering = map[string]map[string]bool{
	"github.com/gofiber/fiber/v2": {
		"App": true, "Group": true, "Router": true,
	},
	"net/http": {"ServeMux": true},
}

var registeringMethods = map[string]bool{
	"Get": true, "Head": true, "Post": true, "Put": true, "Patch": true, "Delete": true,
	"Connect": true, "Options": true, "Trace": true, "All": true, "Add": true,
	"Use": true, "Mount": true, "Group": true, "Route": true, "Static": true,
	"Handle": true, "HandleFunc": true,
}

// TestRoutesOnlyInRoutesGo: every route (and middleware) is registered in
// its package's routes.go (handlers/routes.go for the front door,
// handlers/<audience>/routes.go for each audience), so that one file per
// audience shows all of its routes. A registration in any other file, or a
// handler package without routes.go registrations, fails.
func TestRoutesOnlyInRoutesGo(t *testing.T) {
	pkgs := listPackages(t)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		p, ok := pkgs[path]
		if !ok || p.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(p.Export)
	})
	checked := 0
	var outside []string
	for _, p := range pkgs {
		if p.DepOnly || len(p.GoFiles) == 0 {
			continue
		}
		checked++
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", p.ImportPath, err)
		}
		inRoutes := 0
		for expr, sel := range info.Selections {
			if !registers(sel) {
				continue
			}
			pos := fset.Position(expr.Sel.Pos())
			if filepath.Base(pos.Filename) == "routes.go" {
				inRoutes++
				continue
			}
			outside = append(outside, fmt.Sprintf("%s: %s registers a route or middleware outside routes.go: move it to %s",
				relative(pos), sel.Obj().Name(), relative(token.Position{Filename: filepath.Join(p.Dir, "routes.go")})))
		}
		_, err := os.Stat(filepath.Join(p.Dir, "routes.go"))
		switch {
		case inRoutes > 0 && err != nil:
			t.Errorf("%s registers routes but has no routes.go", p.ImportPath)
		case inRoutes == 0 && err == nil:
			t.Errorf("%s/routes.go registers no route: the check does not see them", p.ImportPath)
		}
	}
	sort.Strings(outside)
	for _, o := range outside {
		t.Error(o)
	}
	if checked < 5 {
		t.Fatalf("checked %d packages under handlers/, want the front door and every audience", checked)
	}
}

// registers reports whether sel is a route-registering method of a router.
func registers(sel *types.Selection) bool {
	if sel.Kind() != types.MethodVal && sel.Kind() != types.MethodExpr {
		return false
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || !registeringMethods[fn.Name()] {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	typ := recv.Type()
	if p, ok := typ.(*types.Pointer); ok {
		typ = p.Elem()
	}
	named, ok := typ.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	return registering[named.Obj().Pkg().Path()][named.Obj().Name()]
}

// goPackage is what go list says of a package.
type goPackage struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	DepOnly    bool
}

// listPackages lists the packages under handlers/ and everything they
// import, with their export data (compiled if need be).
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-deps", "-export", "-json=ImportPath,Dir,Export,GoFiles,DepOnly", "./...")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// relative is pos with its file named from the repository's root
// (handlers/admin/media.go).
func relative(pos token.Position) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
			pos.Filename = filepath.Join("handlers", rel)
		}
	}
	return pos.String()
}
