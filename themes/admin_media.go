package themes

// MediaRow is a row of the media library ("media").
type MediaRow struct {
	ID       int64
	Kind     string // "image" or "pdf"
	Thumb    string // an image's smallest file; "" for a PDF
	Name     string // an image's alt text, a PDF's title
	Filename string // the uploaded file's name
	Size     string // "1600 × 1200 pixels, 230 KB"; "230 KB"
	Markdown string // what to paste into a page: ![alt](/media/12/1600.jpg)
	EditURL  string
}

// MediaEdit is the upload form (ID 0: "media-upload"), the form that
// changes an item's alt text or title ("media-edit") and the delete
// confirmation ("media-delete"), as stored or as typed.
type MediaEdit struct {
	ID       int64
	Kind     string // "image" or "pdf"; "" on the upload form
	Alt      string
	Title    string
	Version  int // the version the form was opened at
	Thumb    string
	Src      string // the public address of the file
	Filename string
	Size     string
	Markdown string
	// Reselect: the upload form is shown again after a problem, and the
	// browser does not keep the chosen file.
	Reselect bool
}
