package themes

// Feedback is the page of a feedback form ("feedback", issue 13): the
// Friends and Family Test at /feedback, the comments form and the contact
// form. The same page thanks the patient after a post (Thanks) and says
// when to try again after too many posts (RetryAt).
type Feedback struct {
	Form   string // "fft", "comments" or "contact"
	Action string // where the form posts: its own path, "/feedback"
	Intro  string // the paragraph under the h1
	// Question and Answers are the FFT question and its six answers, as
	// radios.
	Question string
	Answers  []Choice
	// Practices and Services fill the optional "which practice (service)
	// is this about" selects; empty, the select is not shown.
	Practices []Choice
	Services  []Choice
	// TextLabel and TextHint label the free text; TextRequired says
	// whether it must be filled in.
	TextLabel    string
	TextHint     string
	TextRequired bool
	Text         string
	// Name and ReplyTo are the contact form's fields (Contact).
	Contact       bool
	Name, ReplyTo string
	// Token is the signed form token (a hidden field) and Honeypot the name
	// of the field people leave empty.
	Token    string
	Honeypot string
	// Errors are the field messages (the error summary lists them); Refused
	// is a message about the whole post (an old form, sent too fast).
	Errors  []FieldError
	Refused string
	// Help lists the practices with where to ask for medical help online
	// or their phone number.
	Help []HelpLink
	// Others are the other forms switched on, and ResultsURL the FFT
	// results page.
	Others     []NavLink
	ResultsURL string
	// Thanks: the post was received. Limited: too many posts, try again
	// after RetryAt ("3:45pm").
	Thanks  bool
	Limited bool
	RetryAt string
}

// HelpLink is where a practice's patients ask for medical help: its online
// form (OnlineURL) or its phone, else its page on the site (URL).
type HelpLink struct {
	Name      string
	OnlineURL string
	Phone     string
	PhoneHref string
	URL       string
}

// Choice is one radio or select option.
type Choice struct {
	Value    string
	Label    string
	Selected bool
}

// FFTResults are the published Friends and Family Test results
// ("feedback-results"): one table per month, newest first.
type FFTResults struct {
	Question string
	Answers  []string // the six answers, the tables' column headings
	Months   []FFTResultMonth
}

// FFTResultMonth is one month's table: the whole network first, then each
// practice responses chose.
type FFTResultMonth struct {
	Month string // "April 2026"
	Rows  []FFTResultRow
}

// FFTResultRow is one row: who it is about, the count of each answer, the
// total and the share answering "Very good" or "Good" ("75%").
type FFTResultRow struct {
	Name      string
	Counts    []int
	Total     int
	GoodShare string
}

// FeedbackNotice is what the privacy notice says about the feedback forms
// a tenant has switched on (Legal.Feedback).
type FeedbackNotice struct {
	Forms     string // "the Friends and Family Test and the contact form"
	Contact   bool   // the contact form asks for a name and an email address
	Retention string // "12 months"
}
