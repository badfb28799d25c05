package demo

import (
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// riverside is a smaller tenant with its own privacy notice, which replaces
// the generated one.
func riverside(s *models.TenantDB, c clock) error {
	if err := saveSettings(s, c, models.SiteSettings{
		Description:         "Three GP practices along the river valley, looking after about 27,000 people together.",
		Phone:               "01632 960100",
		Email:               "riverside.pcn@riversidehealth.example",
		Address:             "Riverside Health PCN\nQuayside Surgery\n3 Quayside\nRiverside\nHG6 1ZA",
		ClinicalDirector:    "Dr Owen Pryce",
		DataController:      "Quayside Surgery, on behalf of Riverside Health PCN",
		AccessibilityStatus: "partial",
		AccessibilityIssues: "Some older pages have not yet been checked with a screen reader. We plan to check them all by the time of our next review.",
		StatementPrepared:   ptr(c.date(-300)),
	}); err != nil {
		return err
	}
	day := []models.ClockSpan{span("08:00", "18:30")}
	practices := []models.Practice{
		{
			ODSCode: "Y99011", Name: "Quayside Surgery",
			Address: "3 Quayside\nRiverside", Postcode: "HG6 1ZA",
			Phone: "01632 960101", Email: "reception@quayside.example",
			Website:               "https://www.quayside.example",
			AppointmentsURL:       "https://www.quayside.example/appointments",
			RegistrationURL:       "https://www.quayside.example/join",
			OnlineConsultationURL: "https://www.quayside.example/ask",
			Hours:                 week(weekdays(day, nil)),
			AccessibilityNotes:    "Step-free access. Hearing loop at reception.",
		},
		{
			ODSCode: "Y99012", Name: "Mill Street Practice",
			Address: "52 Mill Street\nRiverside", Postcode: "HG6 2ZB",
			Phone: "01632 960102", Email: "reception@millstreet.example",
			Website:            "https://www.millstreet.example",
			PrescriptionsURL:   "https://www.millstreet.example/prescriptions",
			Hours:              week(weekdays([]models.ClockSpan{span("08:00", "12:30"), span("13:30", "18:30")}, nil)),
			AccessibilityNotes: "There are 3 steps at the front door. Ring the bell by the ramp at the side and staff will open the side door for you.",
		},
		{
			ODSCode: "Y99013", Name: "Bridgefoot Medical Centre",
			Address: "Bridge End\nBridgefoot", Postcode: "HG6 3ZD",
			Phone: "01632 960103",
			Hours: week(weekdays(day, nil)),
		},
	}
	practiceIDs, err := savePractices(s, practices)
	if err != nil {
		return err
	}
	xmas := c.christmas()
	if _, err := s.SaveException(by, practiceIDs["Y99011"], 0, 0, models.PracticeException{StartsOn: xmas, EndsOn: xmas.AddDate(0, 0, 1), Closed: true, Reason: "Closed for Christmas. If you need help, use NHS 111 online or call 111."}, nil); err != nil {
		return err
	}
	howToBook := "Call your own practice or ask at reception."
	if err := addSession(s, practiceIDs["Y99011"], models.EASession{Weekdays: "1,2,3,4,5", StartsAt: minutes(18, 30), EndsAt: minutes(20, 0), Clinicians: "GPs and practice nurses", HowToBook: howToBook}); err != nil {
		return err
	}
	if err := addSession(s, practiceIDs["Y99012"], models.EASession{Weekdays: "6", StartsAt: minutes(9, 0), EndsAt: minutes(17, 0), Clinicians: "GPs, practice nurses and pharmacists", HowToBook: howToBook}); err != nil {
		return err
	}
	services := []models.Service{
		{
			Slug: "social-prescribing", Name: "Social prescribing", SelfReferral: true,
			Summary:     "Support with loneliness, money, housing and more.",
			BodyMD:      "Our link workers help with things that affect your health but are not medical. They find out what matters to you, then help you find local groups and services.",
			WhoFor:      "Anyone aged 18 or over registered with one of our practices.",
			HowToAccess: "Call 01632 960110, or ask your practice to refer you.",
		},
		{
			Slug: "care-coordinators", Name: "Care coordinators",
			Summary:     "Help for people with lots of health needs to get care that fits together.",
			BodyMD:      "A care coordinator is your main contact if lots of different services look after you. They make sure everyone knows what is happening.",
			WhoFor:      "People with several long-term conditions, and people who cannot leave home.",
			HowToAccess: "Your practice can refer you.",
		},
	}
	serviceIDs, err := saveServices(s, services)
	if err != nil {
		return err
	}
	linkWork := serviceIDs["social-prescribing"]
	if _, err := s.SaveStaffByID(by, 0, 0, models.StaffMember{Name: "Aisha Begum", Role: "Social prescribing link worker", ServiceID: &linkWork, Bio: "Aisha runs the Tuesday walking group from Quayside Surgery."}); err != nil {
		return err
	}
	if _, err := s.SavePost(by, 0, models.Post{
		Slug: "evening-appointments-at-quayside", Title: "Evening appointments at Quayside Surgery",
		Summary:     "You can now see a GP or nurse from 6:30pm to 8pm on weekdays at Quayside Surgery.",
		PublishedAt: ptr(c.at(-20, 9, 0)),
		BodyMD:      "Patients of all 3 of our practices can now book evening appointments at Quayside Surgery, from 6:30pm to 8pm, Monday to Friday.\n\nCall your own practice to book. See all [evening and weekend appointments](/enhanced-access).",
	}); err != nil {
		return err
	}
	drop := c.next(time.Wednesday, 8)
	_, err = s.SaveEvent(by, 0, 0, models.Event{
		Slug: "blood-pressure-check-drop-in", Title: "Blood pressure check drop-in",
		Summary:  "Have your blood pressure checked for free. You do not need to book.",
		StartsAt: c.at(drop, 14, 0), EndsAt: ptr(c.at(drop, 16, 0)),
		Location:  "Riverside Library, 1 Quayside, Riverside, HG6 1ZB",
		BodyMD:    "High blood pressure does not usually cause symptoms, so a check is the only way to know. Our pharmacists will check your blood pressure and tell you what the numbers mean. It takes 5 minutes.",
		Published: true,
	})
	return err
}

// moorland has gaps on purpose: an almost empty profile, a practice with no
// hours at all and an event with no end, so the site shows it renders bad
// or missing data cleanly. It also orders its own menu.
func moorland(s *models.TenantDB, c clock) error {
	if err := saveSettings(s, c, models.SiteSettings{
		Description:         "Three village practices looking after about 31,000 people across the moors.",
		AccessibilityStatus: "partial",
	}); err != nil {
		return err
	}
	practices := []models.Practice{
		{
			ODSCode: "Y99021", Name: "Upper Dale Surgery",
			Address: "The Green\nUpper Dale", Postcode: "DL18 1ZA",
			Phone: "01632 960201", Email: "reception@upperdale.example",
			Website:            "https://www.upperdale.example",
			Hours:              week(weekdays([]models.ClockSpan{span("08:00", "18:30")}, nil)),
			AccessibilityNotes: "Step-free access. Parking in the village hall car park opposite.",
		},
		{
			ODSCode: "Y99022", Name: "Heatherside Practice",
			Address: "Moor Road\nHeatherside", Postcode: "DL18 2ZB",
			Phone: "01632 960202",
			Hours: week(weekdays([]models.ClockSpan{span("08:00", "13:00"), span("14:00", "18:30")}, nil)),
		},
		{
			// No hours entered yet.
			ODSCode: "Y99023", Name: "Crossways Medical Centre",
			Address: "Crossways\nHigh Moor", Postcode: "DL19 1ZD",
			Phone: "01632 960203",
		},
	}
	practiceIDs, err := savePractices(s, practices)
	if err != nil {
		return err
	}
	sessions := []struct {
		ods string
		s   models.EASession
	}{
		{"Y99021", models.EASession{Weekdays: "1,3,5", StartsAt: minutes(18, 30), EndsAt: minutes(20, 0), Clinicians: "GPs and practice nurses"}},
		{"Y99022", models.EASession{Weekdays: "2,4", StartsAt: minutes(18, 30), EndsAt: minutes(20, 0), Clinicians: "GPs and pharmacists"}},
		{"Y99023", models.EASession{Weekdays: "6", StartsAt: minutes(9, 0), EndsAt: minutes(17, 0), Clinicians: "GPs, practice nurses and physiotherapists"}},
	}
	for _, x := range sessions {
		x.s.HowToBook = "Call your own practice to book."
		if err := addSession(s, practiceIDs[x.ods], x.s); err != nil {
			return err
		}
	}
	services := []models.Service{
		{
			Slug: "mobile-physiotherapy", Name: "Mobile physiotherapy clinic", SelfReferral: true,
			Summary:     "A physiotherapist visits each village in a clinic van, so you do not have to travel to town.",
			BodyMD:      "Our physiotherapy van visits each village once a fortnight. You can see a physiotherapist about back, neck or joint pain without seeing a GP first.",
			WhoFor:      "Adults registered with one of our practices.",
			HowToAccess: "Ask at your practice for a physiotherapy appointment.",
		},
		{
			Slug: "pharmacist-visits", Name: "Pharmacist visits",
			Summary: "A pharmacist visits each surgery every week to check medicines.",
			BodyMD:  "Our pharmacist visits each surgery once a week. They can check your medicines and help with long-term conditions like asthma and diabetes.",
		},
	}
	if _, err := saveServices(s, services); err != nil {
		return err
	}
	if _, err := s.SavePost(by, 0, models.Post{
		Slug: "physiotherapy-van-new-timetable", Title: "New timetable for the physiotherapy van",
		Summary:     "The physiotherapy van now visits High Moor on Mondays.",
		PublishedAt: ptr(c.at(-30, 9, 0)),
		BodyMD:      "From this month, the physiotherapy van visits High Moor on Mondays and Upper Dale on Thursdays. Ask at your practice for an appointment.",
	}); err != nil {
		return err
	}
	if _, err := s.SaveEvent(by, 0, 0, models.Event{
		Slug: "village-health-morning", Title: "Village health morning",
		Summary:   "Drop in for a free blood pressure check and advice about staying well.",
		StartsAt:  c.at(c.next(time.Saturday, 12), 10, 0),
		Location:  "Heatherside Village Hall",
		BodyMD:    "Come along for a free blood pressure check, and a chat with our pharmacist and care coordinator. You do not need to book.",
		Published: true,
	}); err != nil {
		return err
	}
	return startMenu(s, []models.NavItem{
		{Title: "About us", Path: "/about"},
		{Title: "Our practices", Path: "/practices"},
		{Title: "Evening and weekend appointments", Path: "/enhanced-access"},
		{Title: "Services", Path: "/services"},
		{Title: "Contact us", Path: "/contact"},
	})
}
