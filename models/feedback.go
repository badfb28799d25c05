package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Patients' feedback (issue 13): the Friends and Family Test, a general
// comments form and a non-clinical contact form, each switched on per
// tenant. Responses are not public content: saving one writes no audit row
// and bumps no generation (the published FFT results show complete months
// only, which change with the clock, not with a new response).

// Feedback forms, as FeedbackResponse.Form names them.
const (
	FormFFT      = "fft"
	FormComments = "comments"
	FormContact  = "contact"
)

// FFT answers, as FeedbackResponse.Rating stores them; 0 is no answer (a
// comments or contact form response).
const (
	RatingVeryGood    = 1
	RatingGood        = 2
	RatingNeither     = 3
	RatingPoor        = 4
	RatingVeryPoor    = 5
	RatingDontKnow    = 6
	ratingCount       = 6
	feedbackTextLimit = 2000
)

// FFTQuestion is the Friends and Family Test question as NHS England words
// it.
const FFTQuestion = "Overall, how was your experience of our service?"

// FFTAnswers are NHS England's six answers to the FFT question, in order:
// FFTAnswers[r-1] is the label of rating r.
var FFTAnswers = [ratingCount]string{"Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"}

// FeedbackSettings are a tenant's choices about its feedback forms. A tenant
// that never saved them has DefaultFeedbackSettings.
type FeedbackSettings struct {
	// FFT, Comments and Contact switch the three forms on.
	FFT, Comments, Contact bool
	// RetentionMonths is how long free text (and a contact form's name and
	// reply address) is kept: 1 to 36 months.
	RetentionMonths int
	// NotifyEmail, when set, receives each new response by email.
	NotifyEmail string
	// EditorsMayRead lets the tenant's editors, not only its managers, read
	// the responses in the admin.
	EditorsMayRead bool
}

// DefaultFeedbackSettings are the settings of a tenant that never saved
// any: the Friends and Family Test on, the other forms off, text kept for
// 12 months.
var DefaultFeedbackSettings = FeedbackSettings{FFT: true, RetentionMonths: 12}

// Bounds of FeedbackSettings.RetentionMonths.
const (
	MinFeedbackRetention = 1
	MaxFeedbackRetention = 36
)

// AuditFeedbackSettings is the audit action of saving the feedback settings.
const AuditFeedbackSettings = "feedback.settings"

// feedbackSettingsRow is the stored form of FeedbackSettings.
type feedbackSettingsRow struct {
	TenantID        int64 `gorm:"primaryKey;autoIncrement:false"`
	FFTEnabled      bool  `gorm:"column:fft_enabled"`
	CommentsEnabled bool
	ContactEnabled  bool
	RetentionMonths int
	NotifyEmail     string
	EditorsMayRead  bool
	UpdatedAt       time.Time
}

func (feedbackSettingsRow) TableName() string { return "feedback_settings" }

// FeedbackSettings returns the tenant's feedback settings, the defaults when
// none were saved.
func (t *TenantDB) FeedbackSettings() (FeedbackSettings, error) {
	var r feedbackSettingsRow
	err := t.scoped.Take(&r).Error
	if isNotFound(err) {
		return DefaultFeedbackSettings, nil
	}
	if err != nil {
		return FeedbackSettings{}, translate("feedback settings", err)
	}
	return FeedbackSettings{FFT: r.FFTEnabled, Comments: r.CommentsEnabled, Contact: r.ContactEnabled,
		RetentionMonths: r.RetentionMonths, NotifyEmail: r.NotifyEmail, EditorsMayRead: r.EditorsMayRead}, nil
}

// Enabled reports whether the form (FormFFT, FormComments, FormContact) is
// switched on.
func (s FeedbackSettings) Enabled(form string) bool {
	switch form {
	case FormFFT:
		return s.FFT
	case FormComments:
		return s.Comments
	case FormContact:
		return s.Contact
	}
	return false
}

// AnyEnabled reports whether any form is switched on.
func (s FeedbackSettings) AnyEnabled() bool { return s.FFT || s.Comments || s.Contact }

// SaveFeedbackSettings saves the tenant's feedback settings, audited by by.
// They change the public site (which forms show, the privacy notice), so
// the change bumps the tenant's generation. A retention outside 1–36 months
// is refused on "retention", a malformed address on "notify_email".
func (t *TenantDB) SaveFeedbackSettings(by Actor, s FeedbackSettings) error {
	if s.RetentionMonths < MinFeedbackRetention || s.RetentionMonths > MaxFeedbackRetention {
		return invalid("retention", "enter a number of months between 1 and 36")
	}
	s.NotifyEmail = NormalizeEmail(s.NotifyEmail)
	if s.NotifyEmail != "" && ValidateEmail(s.NotifyEmail) != nil {
		return invalid("notify_email", "enter an email address in the correct format, like name@nhs.net")
	}
	row := feedbackSettingsRow{TenantID: t.tenantID, FFTEnabled: s.FFT, CommentsEnabled: s.Comments, ContactEnabled: s.Contact,
		RetentionMonths: s.RetentionMonths, NotifyEmail: s.NotifyEmail, EditorsMayRead: s.EditorsMayRead, UpdatedAt: time.Now().UTC()}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		err := tx.scoped.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "tenant_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"fft_enabled", "comments_enabled", "contact_enabled", "retention_months", "notify_email", "editors_may_read", "updated_at"}),
		}).Create(&row).Error
		if err != nil {
			return err
		}
		return tx.audit(AuditFeedbackSettings, "")
	})
	return translate("save feedback settings", err)
}

// FeedbackResponse is one response a patient sent through a form.
type FeedbackResponse struct {
	ID       int64 `gorm:"primaryKey"`
	TenantID int64
	// Form is FormFFT, FormComments or FormContact.
	Form string
	// Rating is the FFT answer: RatingVeryGood (1) … RatingVeryPoor (5),
	// RatingDontKnow (6); 0 for the other forms.
	Rating int
	// PracticeID and ServiceID say which practice or service the response
	// is about, when the patient chose one.
	PracticeID *int64
	ServiceID  *int64
	// Text is the free text; Name and ReplyTo (an email address) are the
	// contact form's. All three are blanked after the retention period,
	// when TextDeletedAt is set.
	Text          string
	Name, ReplyTo string
	TextDeletedAt *time.Time
	CreatedAt     time.Time
}

// RatingLabel is the FFT answer's label, "" for no answer.
func (r FeedbackResponse) RatingLabel() string { return RatingLabel(r.Rating) }

// RatingLabel is the label of an FFT rating, "" when r is not one.
func RatingLabel(r int) string {
	if r < 1 || r > ratingCount {
		return ""
	}
	return FFTAnswers[r-1]
}

// FeedbackInput is a form post as the site parsed it.
type FeedbackInput struct {
	Form string
	// Rating is the FFT answer (1–6), 0 when none was chosen.
	Rating int
	// PracticeID and ServiceID are the practice and service chosen, 0 for
	// none.
	PracticeID, ServiceID int64
	Text, Name, ReplyTo   string
}

// SaveFeedback validates a form post and stores it as received at now. A
// wrong field is a *ValidationError naming the form field: "rating",
// "text", "practice", "service", "name" or "reply_to"; a form that is not
// one of the three is "form". Nothing is stored unless every field is
// right. Whether the form is switched on is the caller's check.
func (t *TenantDB) SaveFeedback(in FeedbackInput, now time.Time) (FeedbackResponse, error) {
	r := FeedbackResponse{TenantID: t.tenantID, Form: in.Form, CreatedAt: now.UTC()}
	r.Text = cleanText(in.Text)
	switch in.Form {
	case FormFFT:
		if in.Rating < 1 || in.Rating > ratingCount {
			return FeedbackResponse{}, invalid("rating", "select how your experience of our service was")
		}
		r.Rating = in.Rating
	case FormComments:
		if r.Text == "" {
			return FeedbackResponse{}, invalid("text", "enter your comments")
		}
	case FormContact:
		r.Name = cleanLine(in.Name)
		r.ReplyTo = NormalizeEmail(in.ReplyTo)
		switch {
		case r.Name == "":
			return FeedbackResponse{}, invalid("name", "enter your name")
		case utf8.RuneCountInString(r.Name) > 200:
			return FeedbackResponse{}, invalid("name", "your name must be 200 characters or fewer")
		case r.ReplyTo == "":
			return FeedbackResponse{}, invalid("reply_to", "enter your email address so we can reply")
		case ValidateEmail(r.ReplyTo) != nil:
			return FeedbackResponse{}, invalid("reply_to", "enter an email address in the correct format, like name@example.com")
		case r.Text == "":
			return FeedbackResponse{}, invalid("text", "enter your message")
		}
	default:
		return FeedbackResponse{}, invalid("form", "choose a feedback form")
	}
	if n := utf8.RuneCountInString(r.Text); n > feedbackTextLimit {
		return FeedbackResponse{}, invalid("text", "use "+strconv.Itoa(feedbackTextLimit)+" characters or fewer (you used "+strconv.Itoa(n)+")")
	}
	if in.PracticeID < 0 || in.ServiceID < 0 {
		return FeedbackResponse{}, invalid("practice", "select a practice from the list")
	}
	if in.PracticeID > 0 {
		var n int64
		if err := t.scoped.Model(&Practice{}).Where("id = ? AND left_pcn_on IS NULL", in.PracticeID).Count(&n).Error; err != nil {
			return FeedbackResponse{}, translate("feedback practice", err)
		}
		if n == 0 {
			return FeedbackResponse{}, invalid("practice", "select a practice from the list")
		}
		id := in.PracticeID
		r.PracticeID = &id
	}
	if in.ServiceID > 0 {
		var n int64
		if err := t.scoped.Model(&Service{}).Where("id = ? AND published", in.ServiceID).Count(&n).Error; err != nil {
			return FeedbackResponse{}, translate("feedback service", err)
		}
		if n == 0 {
			return FeedbackResponse{}, invalid("service", "select a service from the list")
		}
		id := in.ServiceID
		r.ServiceID = &id
	}
	if err := t.scoped.Create(&r).Error; err != nil {
		return FeedbackResponse{}, translate("save feedback", err)
	}
	return r, nil
}

// cleanText trims free text, normalises its line endings and drops control
// characters other than newlines and tabs.
func cleanText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cleanLine is cleanText on one line.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// FeedbackFilter selects responses for the admin: received in [From, To)
// (a zero bound is open), about one practice (0: any), from one form ("":
// any), a page of Limit (0: 50) from Offset.
type FeedbackFilter struct {
	From, To   time.Time
	PracticeID int64
	Form       string
	Limit      int
	Offset     int
}

// FeedbackResponses returns a page of the tenant's responses that match f,
// newest first, with the number that match in all.
func (t *TenantDB) FeedbackResponses(f FeedbackFilter) ([]FeedbackResponse, int64, error) {
	q := t.scoped.Model(&FeedbackResponse{})
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	if f.PracticeID != 0 {
		q = q.Where("practice_id = ?", f.PracticeID)
	}
	if f.Form != "" {
		q = q.Where("form = ?", f.Form)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate("count feedback", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var out []FeedbackResponse
	err := q.Order("created_at DESC, id DESC").Limit(limit).Offset(max(f.Offset, 0)).Find(&out).Error
	return out, total, translate("list feedback", err)
}

// FFTMonth is one calendar month's Friends and Family Test answers: for the
// whole network (PracticeID nil) or for the responses about one practice.
type FFTMonth struct {
	// Month is the first instant of the month in Europe/London.
	Month        time.Time
	PracticeID   *int64
	PracticeName string
	// Counts[r-1] is how many answered rating r.
	Counts [ratingCount]int
	Total  int
	// GoodShare is the share of all responses, "Don't know" included,
	// that answered "Very good" or "Good" (0 to 1; 0 when Total is 0): the
	// "percentage positive" NHS England publishes.
	GoodShare float64
}

// FFTResultMonths is how many complete months FFTResults reports.
const FFTResultMonths = 12

// FFTResults returns the tenant's published Friends and Family Test
// results: for each of the last FFTResultMonths complete calendar months
// (Europe/London) at now, newest first, from the first month with an answer,
// a row for the whole network followed by a row for each practice
// responses chose (in practice order). The current month is never shown: the
// results are published when a month ends, and the handle's NextChange is
// the start of the next month.
func (t *TenantDB) FFTResults(now time.Time) ([]FFTMonth, error) {
	loc := londonZone()
	y, m, _ := now.In(loc).Date()
	thisMonth := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	t.changesAt(now, thisMonth.AddDate(0, 1, 0))
	starts := make([]time.Time, FFTResultMonths+1) // starts[i]: i months before this one
	for i := range starts {
		starts[i] = thisMonth.AddDate(0, -i, 0)
	}
	var bucket strings.Builder
	args := []any{}
	bucket.WriteString("CASE")
	for i := 1; i <= FFTResultMonths; i++ {
		bucket.WriteString(" WHEN created_at >= ? THEN " + strconv.Itoa(i))
		args = append(args, starts[i].UTC())
	}
	bucket.WriteString(" END")
	type row struct {
		Ago        int
		PracticeID *int64
		Rating     int
		N          int
	}
	var rows []row
	q := t.scoped.Model(&FeedbackResponse{}).
		Select("("+bucket.String()+") AS ago, practice_id, rating, COUNT(*) AS n", args...).
		Where("form = ? AND rating BETWEEN 1 AND ? AND created_at >= ? AND created_at < ?", FormFFT, ratingCount, starts[FFTResultMonths].UTC(), thisMonth.UTC()).
		Group("ago, practice_id, rating")
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate("fft results", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	practices, err := t.AllPractices()
	if err != nil {
		return nil, err
	}
	oldest := 0
	overall := make([]FFTMonth, FFTResultMonths+1)
	byPractice := make([]map[int64]*FFTMonth, FFTResultMonths+1)
	for _, r := range rows {
		if r.Ago < 1 || r.Ago > FFTResultMonths {
			continue
		}
		oldest = max(oldest, r.Ago)
		overall[r.Ago].Counts[r.Rating-1] += r.N
		if r.PracticeID != nil {
			if byPractice[r.Ago] == nil {
				byPractice[r.Ago] = map[int64]*FFTMonth{}
			}
			pm := byPractice[r.Ago][*r.PracticeID]
			if pm == nil {
				id := *r.PracticeID
				pm = &FFTMonth{Month: starts[r.Ago], PracticeID: &id}
				byPractice[r.Ago][id] = pm
			}
			pm.Counts[r.Rating-1] += r.N
		}
	}
	var out []FFTMonth
	for ago := 1; ago <= oldest; ago++ {
		o := overall[ago]
		o.Month = starts[ago]
		o.finish()
		out = append(out, o)
		for _, p := range practices {
			pm := byPractice[ago][p.ID]
			if pm == nil {
				continue
			}
			pm.PracticeName = p.Name
			pm.finish()
			out = append(out, *pm)
		}
	}
	return out, nil
}

// finish totals the month's counts and works out its share of good answers.
func (m *FFTMonth) finish() {
	m.Total = 0
	for _, n := range m.Counts {
		m.Total += n
	}
	if m.Total > 0 {
		m.GoodShare = float64(m.Counts[RatingVeryGood-1]+m.Counts[RatingGood-1]) / float64(m.Total)
	}
}

// londonZone is Europe/London, or UTC where the zone database is missing.
func londonZone() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// PurgeFeedbackText blanks the free text, name and reply address of every
// response older than its tenant's retention period at now, and marks when
// it did; the answer, the practice and the date stay. It returns how many
// responses it blanked. The scheduler runs it; it is not a content change.
func (d *DB) PurgeFeedbackText(ctx context.Context, now time.Time) (int64, error) {
	var custom []feedbackSettingsRow
	if err := d.gorm.WithContext(ctx).Select("tenant_id, retention_months").Where("retention_months <> ?", DefaultFeedbackSettings.RetentionMonths).Find(&custom).Error; err != nil {
		return 0, translate("feedback retention", err)
	}
	byMonths := map[int][]int64{}
	var other []int64
	for _, r := range custom {
		byMonths[r.RetentionMonths] = append(byMonths[r.RetentionMonths], r.TenantID)
		other = append(other, r.TenantID)
	}
	blank := map[string]any{"text": "", "name": "", "reply_to": "", "text_deleted_at": now.UTC()}
	kept := func(months int) *gorm.DB {
		return d.gorm.WithContext(ctx).Model(&FeedbackResponse{}).
			Where("text_deleted_at IS NULL AND created_at < ?", now.AddDate(0, -months, 0).UTC()).
			Where("text <> '' OR name <> '' OR reply_to <> ''")
	}
	var total int64
	q := kept(DefaultFeedbackSettings.RetentionMonths)
	if len(other) > 0 {
		q = q.Where("tenant_id NOT IN ?", other)
	}
	res := q.UpdateColumns(blank)
	if res.Error != nil {
		return 0, translate("purge feedback text", res.Error)
	}
	total += res.RowsAffected
	for months, ids := range byMonths {
		res := kept(months).Where("tenant_id IN ?", ids).UpdateColumns(blank)
		if res.Error != nil {
			return total, translate(fmt.Sprintf("purge feedback text (%d months)", months), res.Error)
		}
		total += res.RowsAffected
	}
	return total, nil
}
