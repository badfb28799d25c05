package demo

import (
	"time"

	"github.com/pcnweb/pcnweb/models"
)

// highFives is the richest demo tenant: every page type has content.
func highFives(s *models.TenantDB, c clock) error {
	if err := saveSettings(s, c, models.SiteSettings{
		Description:      "Five GP practices in Highbury Vale and Fivefields working together to look after about 48,000 people.",
		Phone:            "0113 496 0100",
		Email:            "hello@highfivespcn.example",
		Address:          "High Fives PCN\nFivefields Medical Centre\n2 Fivefields Road\nFivefields\nLS30 2ZB",
		ClinicalDirector: "Dr Amara Okafor",
		NHSIdentity:      true,
		SocialFacebook:   "https://www.facebook.example/highfivespcn",
		SocialInstagram:  "https://www.instagram.example/highfivespcn",
		DataController:   "High Fives PCN, hosted by Fivefields Medical Centre",
		DPOContact:       "Data protection officer, High Fives PCN: dpo@highfivespcn.example",
		// Honest: the parts of this demo site it does not control.
		AccessibilityStatus: "partial",
		AccessibilityIssues: "The booking form for our events is run by another organisation. We have not checked that it works well with a screen reader or keyboard. If you cannot use it, call us on 0113 496 0100 and we will book you a place.\n" +
			"Our online events use a video call service run by another organisation. It may not show live captions. If you need captions or a British Sign Language interpreter, tell us 2 weeks before the event.",
		StatementPrepared: ptr(c.date(-240)),
		StatementReviewed: ptr(c.date(-60)),
	}); err != nil {
		return err
	}

	day := []models.ClockSpan{span("08:00", "18:30")}
	practices := []models.Practice{
		{
			ODSCode: "Y99001", Name: "Highbury Vale Surgery",
			Address: "14 Vale Road\nHighbury Vale", Postcode: "LS30 1ZA",
			Phone: "0113 496 0101", Email: "reception@highburyvale.example",
			Website:               "https://www.highburyvale.example",
			AppointmentsURL:       "https://www.highburyvale.example/appointments",
			RegistrationURL:       "https://www.highburyvale.example/join",
			PrescriptionsURL:      "https://www.highburyvale.example/prescriptions",
			OnlineConsultationURL: "https://www.highburyvale.example/ask",
			TestResultsURL:        "https://www.highburyvale.example/test-results",
			FitNotesURL:           "https://www.highburyvale.example/fit-notes",
			CharterURL:            "https://www.highburyvale.example/our-charter",
			Hours:                 week(weekdays(day, nil)),
			AccessibilityNotes:    "Step-free access through the main door. Hearing loop at reception. Accessible toilet on the ground floor.",
		},
		{
			ODSCode: "Y99002", Name: "Fivefields Medical Centre",
			Address: "2 Fivefields Road\nFivefields", Postcode: "ls302zb", // stored as LS30 2ZB
			Phone: "0113 496 0102", Email: "reception@fivefieldsmedical.example",
			Website:               "https://www.fivefieldsmedical.example",
			AppointmentsURL:       "https://www.fivefieldsmedical.example/appointments",
			RegistrationURL:       "https://www.fivefieldsmedical.example/join",
			PrescriptionsURL:      "https://www.fivefieldsmedical.example/prescriptions",
			OnlineConsultationURL: "https://www.fivefieldsmedical.example/ask",
			TestResultsURL:        "https://www.fivefieldsmedical.example/test-results",
			FitNotesURL:           "https://www.fivefieldsmedical.example/fit-notes",
			CharterURL:            "https://www.fivefieldsmedical.example/our-charter",
			Hours:                 week(weekdays(day, nil)),
			AccessibilityNotes:    "Step-free access and automatic doors. Hearing loop at reception. 2 disabled parking spaces by the entrance.",
		},
		{
			ODSCode: "Y99003", Name: "Orchard Lane Practice",
			Address: "37 Orchard Lane\nHighbury Vale", Postcode: "LS30 3ZD",
			Phone: "0113 496 0103", Email: "reception@orchardlane.example",
			Website:               "https://www.orchardlane.example",
			AppointmentsURL:       "https://www.orchardlane.example/appointments",
			RegistrationURL:       "https://www.orchardlane.example/join",
			PrescriptionsURL:      "https://www.orchardlane.example/prescriptions",
			OnlineConsultationURL: "https://www.orchardlane.example/ask",
			TestResultsURL:        "https://www.orchardlane.example/test-results",
			// Closed for lunch: the phones go to the duty doctor.
			Hours:              week(weekdays([]models.ClockSpan{span("08:00", "13:00"), span("14:00", "18:30")}, nil)),
			AccessibilityNotes: "Step-free access by the side door on Orchard Lane. Hearing loop at reception. Ask at reception if you would like a quiet place to wait.",
		},
		{
			ODSCode: "Y99004", Name: "Station Road Health Centre",
			Address: "1 Station Road\nFivefields", Postcode: "LS31 1ZE",
			Phone: "0113 496 0104", Email: "reception@stationroadhealth.example",
			Website:               "https://www.stationroadhealth.example",
			AppointmentsURL:       "https://www.stationroadhealth.example/appointments",
			RegistrationURL:       "https://www.stationroadhealth.example/join",
			PrescriptionsURL:      "https://www.stationroadhealth.example/prescriptions",
			OnlineConsultationURL: "https://www.stationroadhealth.example/ask",
			TestResultsURL:        "https://www.stationroadhealth.example/test-results",
			Hours:                 week(weekdays(day, nil)),
			AccessibilityNotes:    "Step-free access. Lift to the first floor. Hearing loop at reception and in the waiting room. Accessible toilet on both floors.",
		},
		{
			ODSCode: "Y99005", Name: "The Willows Surgery",
			Address: "8 Willow Close\nFivefields", Postcode: "LS31 2ZF",
			Phone: "0113 496 0105", Email: "reception@thewillows.example",
			Website:          "https://www.thewillows.example",
			AppointmentsURL:  "https://www.thewillows.example/appointments",
			RegistrationURL:  "https://www.thewillows.example/join",
			PrescriptionsURL: "https://www.thewillows.example/prescriptions",
			// Half day on Wednesday.
			Hours:              week(weekdays(day, map[string][]models.ClockSpan{"wednesday": {span("08:00", "13:00")}})),
			AccessibilityNotes: "Step-free access from the car park. The hearing loop at reception is being repaired: ask staff to write things down if that helps.",
		},
	}
	practiceIDs, err := savePractices(s, practices)
	if err != nil {
		return err
	}

	xmas, newYear := c.christmas(), c.newYear()
	training := c.next(time.Thursday, 5)
	exceptions := []struct {
		ods   string
		e     models.PracticeException
		spans []models.ClockSpan // the special opening times, when not closed
	}{
		{"Y99001", models.PracticeException{StartsOn: xmas, EndsOn: xmas.AddDate(0, 0, 1), Closed: true, Reason: "Closed for Christmas. If you need help, use NHS 111 online or call 111."}, nil},
		{"Y99001", models.PracticeException{StartsOn: newYear, EndsOn: newYear, Closed: true, Reason: "Closed for New Year's Day."}, nil},
		{"Y99002", models.PracticeException{StartsOn: xmas, EndsOn: xmas.AddDate(0, 0, 1), Closed: true, Reason: "Closed for Christmas. If you need help, use NHS 111 online or call 111."}, nil},
		{"Y99003", models.PracticeException{StartsOn: c.date(training), EndsOn: c.date(training), Reason: "Closed from 1pm for staff training. If you need help in the afternoon, call 111."}, []models.ClockSpan{span("08:00", "13:00")}},
		// Already over: shows that past changes drop off the page.
		{"Y99004", models.PracticeException{StartsOn: c.date(-21), EndsOn: c.date(-21), Reason: "Closed from 1pm for staff training."}, []models.ClockSpan{span("08:00", "13:00")}},
		{"Y99004", models.PracticeException{StartsOn: xmas, EndsOn: xmas.AddDate(0, 0, 1), Closed: true, Reason: "Closed for Christmas. If you need help, use NHS 111 online or call 111."}, nil},
		{"Y99004", models.PracticeException{StartsOn: newYear, EndsOn: newYear, Closed: true, Reason: "Closed for New Year's Day."}, nil},
		{"Y99005", models.PracticeException{StartsOn: newYear, EndsOn: newYear, Closed: true, Reason: "Closed for New Year's Day."}, nil},
	}
	for _, x := range exceptions {
		if _, err := s.SaveException(by, practiceIDs[x.ods], 0, 0, x.e, x.spans); err != nil {
			return err
		}
	}

	howToBook := "Call your own practice or ask at reception. Some appointments can also be booked in the NHS App. You do not need to be registered at the practice where the appointment is."
	if err := addSession(s, practiceIDs["Y99002"], models.EASession{
		Weekdays: "1,2,3,4,5", StartsAt: minutes(18, 30), EndsAt: minutes(20, 0),
		Clinicians: "GPs, practice nurses and pharmacists", HowToBook: howToBook,
	}); err != nil {
		return err
	}
	if err := addSession(s, practiceIDs["Y99004"], models.EASession{
		Weekdays: "6", StartsAt: minutes(9, 0), EndsAt: minutes(17, 0),
		Clinicians: "GPs, practice nurses, physiotherapists and health care assistants (for blood tests and blood pressure checks)", HowToBook: howToBook,
	}); err != nil {
		return err
	}

	serviceIDs, err := saveServices(s, highFivesServices)
	if err != nil {
		return err
	}
	// The team page lists the team in the order below, across services:
	// each member is added (last in their service), then the whole team
	// is put in that order.
	var team []int64
	for _, m := range highFivesStaff {
		if m.service != "" {
			id := serviceIDs[m.service]
			m.m.ServiceID = &id
		}
		saved, err := s.SaveStaffByID(by, 0, 0, m.m)
		if err != nil {
			return err
		}
		team = append(team, saved.ID)
	}
	if err := s.OrderTeam(by, team); err != nil {
		return err
	}

	posts := []models.Post{
		{
			Slug: "saturday-appointments-station-road", Title: "Saturday appointments are now at Station Road Health Centre",
			Summary:     "Our Saturday appointments have moved to Station Road Health Centre, which has more rooms and a lift.",
			PublishedAt: ptr(c.at(-75, 9, 0)),
			BodyMD: `Our Saturday appointments have moved from Fivefields Medical Centre to Station Road Health Centre.

Station Road has more rooms, so we can offer more appointments. It also has a lift and parking next to the door.

Saturday appointments are from 9am to 5pm. They are for patients of all 5 of our practices. You can see a GP, a practice nurse or a physiotherapist, or have a blood test.

## How to book

Call your own practice or ask at reception. You can also book some appointments in the NHS App.

Evening appointments, from 6:30pm to 8pm on weekdays, are still at Fivefields Medical Centre.

See all [evening and weekend appointments](/enhanced-access).`,
		},
		{
			Slug: "free-flu-vaccine", Title: "Free flu vaccine: check if you can get one",
			Summary:     "Who can get a free flu vaccine, and how to book one at your practice.",
			PublishedAt: ptr(c.at(-40, 10, 0)),
			BodyMD: `Flu can make some people very ill. The flu vaccine is the best way to protect yourself. It is given every year in autumn and winter.

## Who can get a free flu vaccine

You can get a free flu vaccine if you:

- are aged 65 or over
- have certain long-term health conditions
- are pregnant
- live in a care home
- are the main carer for an older or disabled person
- live with someone who has a weakened immune system

Children aged 2 and 3 have the vaccine as a spray up the nose at their practice. Children at school have it at school.

## How to book

Your practice will text or write to you when you can book. You can also phone your practice or book in the NHS App.

Some pharmacies give the free flu vaccine too.

Find out more about the [flu vaccine on the NHS website](https://www.nhs.uk/vaccinations/flu-vaccine/).`,
		},
		{
			Slug: "welcome-hannah-our-new-pharmacist", Title: "Welcome to Hannah, our new pharmacist",
			Summary:     "Hannah Kowalski has joined our team of pharmacists. She will help people who take a lot of medicines.",
			PublishedAt: ptr(c.at(-12, 11, 30)),
			BodyMD: `We are happy to welcome Hannah Kowalski to our team. Hannah is a pharmacist. She joins us from a hospital pharmacy team.

Hannah will work at Highbury Vale Surgery and The Willows Surgery. She will:

- check the medicines of people who take 5 or more each day
- help people leaving hospital understand any changes to their medicines
- visit our care homes to check residents' medicines

You do not need to do anything. If you are due a medicines check, your practice will contact you.

Find out more about [our pharmacists](/services/clinical-pharmacists).`,
		},
		{
			// Scheduled: goes live a week after the demo is seeded.
			Slug: "order-repeat-prescriptions-in-the-nhs-app", Title: "Order your repeat prescriptions in the NHS App",
			Summary:     "You can order repeat prescriptions in the NHS App at any time of day, without phoning your practice.",
			PublishedAt: ptr(c.at(7, 9, 0)),
			BodyMD: `You can order your repeat prescriptions in the NHS App. You can do it at any time, day or night, and you do not need to phone your practice.

## How to order

1. Open the NHS App and log in.
2. Choose **Prescriptions**.
3. Choose **Order a repeat prescription**.
4. Tick the medicines you need and send your order.

Order at least 7 days before you run out. You can choose which pharmacy your prescription goes to.

## New to the NHS App?

Read our page on [managing your health online](/health-online). It explains how to set up the app.`,
		},
	}
	for _, p := range posts {
		if _, err := s.SavePost(by, 0, p); err != nil {
			return err
		}
	}

	course := c.next(time.Tuesday, 10)
	question := c.next(time.Thursday, 20)
	events := []models.Event{
		{
			Slug: "living-well-with-type-2-diabetes", Title: "Living well with type 2 diabetes: free course",
			Summary:  "A friendly 2-hour session on food, activity and medicines for people with type 2 diabetes.",
			StartsAt: c.at(course, 10, 0), EndsAt: ptr(c.at(course, 12, 0)),
			Location:   "Fivefields Community Centre, 20 Mill Lane, Fivefields, LS30 2ZH",
			BookingURL: "https://booking.example/highfives-pcn/diabetes-course",
			BodyMD: `This free session is for anyone with type 2 diabetes. You can bring a family member or carer.

Our pharmacist Tom Adeyemi and health and wellbeing coach Lucy Fenwick will talk about:

- what to eat and drink
- staying active
- how your medicines work
- the checks you should have each year

There will be time for questions, and tea and coffee.

The community centre has step-free access and a hearing loop. There are 30 places, so please book. If you cannot use the booking form, call 0113 496 0100.`,
		},
		{
			Slug: "ask-a-pharmacist-online", Title: "Ask a pharmacist: online question time",
			Summary:  "Join our pharmacists online and ask anything about medicines. You do not need to book.",
			StartsAt: c.at(question, 18, 30), Online: true,
			Location: "Online video call",
			BodyMD: `Our pharmacists will answer your questions about medicines in a live video call. You do not need to book.

You can ask about:

- side effects
- taking medicines together
- repeat prescriptions and the NHS App

Join the call on the day at [meet.example/highfives-pharmacist](https://meet.example/highfives-pharmacist). You do not have to turn your camera on, and you can type your question instead of saying it.

We cannot talk about your own health in a public call. For that, book an appointment with the pharmacist at your practice.`,
		},
		{
			Slug: "carers-coffee-morning", Title: "Carers' coffee morning",
			Summary:  "A relaxed morning for people who look after a family member or friend.",
			StartsAt: c.at(-17, 10, 0), EndsAt: ptr(c.at(-17, 11, 30)),
			Location: "Community room, Station Road Health Centre, 1 Station Road, Fivefields, LS31 1ZE",
			BodyMD: `Do you look after someone? Come and meet other carers over a cup of tea.

Our social prescribing link worker Priya Nair will be there to tell you about support for carers, like breaks and money you may be able to get.

You do not need to book. Just come along.`,
		},
	}
	for _, e := range events {
		e.Published = true
		if _, err := s.SaveEvent(by, 0, 0, e); err != nil {
			return err
		}
	}

	vacancies := []models.Vacancy{
		{
			Slug: "social-prescribing-link-worker", Title: "Social prescribing link worker",
			Summary:   "Help people in Highbury Vale and Fivefields find local support for the things that affect their health.",
			ClosesOn:  c.date(21),
			Salary:    "NHS Agenda for Change band 4",
			HoursText: "37.5 hours a week, Monday to Friday. We are happy to talk about part-time hours.",
			ApplyURL:  "https://jobs.example/highfives-pcn/social-prescribing-link-worker",
			BodyMD: `We are looking for a social prescribing link worker to join our friendly team of 2.

## What you will do

- meet people at our 5 practices, at home or by phone
- find out what matters to them
- help them connect with local groups and services
- keep simple, clear notes

## What we are looking for

- you are a good listener
- you know, or want to get to know, the Highbury Vale and Fivefields area
- you have worked with the public, paid or unpaid

You do not need a degree. We will give you full training.

For an informal chat, call Jordan Ellis on 0113 496 0120.`,
		},
		{
			// Closed ten days ago: the site must not show it.
			Slug: "care-coordinator", Title: "Care coordinator",
			Summary:   "Help people with lots of health needs get care that fits together.",
			ClosesOn:  c.date(-10),
			Salary:    "NHS Agenda for Change band 4",
			HoursText: "30 hours a week",
			ApplyURL:  "https://jobs.example/highfives-pcn/care-coordinator",
			BodyMD:    "Thank you for your interest. This job has now closed.",
		},
	}
	for _, v := range vacancies {
		v.Published = true
		if _, err := s.SaveVacancy(by, 0, 0, v); err != nil {
			return err
		}
	}
	return nil
}

var highFivesServices = []models.Service{
	{
		Slug: "social-prescribing", Name: "Social prescribing", SelfReferral: true,
		Summary: "Help with things that affect your health but are not medical, like feeling lonely, money worries or housing.",
		BodyMD: `Our social prescribing link workers take time to find out what matters to you. Then they help you find local groups and services that can help.

They can help with things like:

- feeling lonely or cut off
- money worries and debt
- problems with housing
- caring for someone
- getting more active
- learning to use the internet or the NHS App

You can usually meet a link worker up to 6 times. You can meet at your practice or at home, or talk on the phone.`,
		WhoFor:      "Anyone aged 16 or over who is registered with one of our 5 practices.",
		HowToAccess: "Call the team on 0113 496 0120, Monday to Friday, 9am to 5pm. You can also ask anyone at your practice to refer you.",
	},
	{
		Slug: "clinical-pharmacists", Name: "Clinical pharmacists",
		Summary: "Pharmacists in every practice who check your medicines and help with long-term conditions.",
		BodyMD: `Our pharmacists work in all 5 practices. They are experts in medicines. They can:

- check that your medicines work well and are safe to take together
- change your dose, or stop a medicine you no longer need
- help you look after asthma, diabetes or high blood pressure
- answer questions about side effects

If you take 5 or more medicines, you should have a medicines check every year. Your practice will contact you when yours is due.`,
		WhoFor:      "Patients of our practices who take regular medicines, or who have asthma, diabetes, high blood pressure or another long-term condition.",
		HowToAccess: "Ask your practice for an appointment with the pharmacist. Your GP may also book one for you.",
	},
	{
		Slug: "first-contact-physiotherapy", Name: "First contact physiotherapy", SelfReferral: true,
		Summary: "See a physiotherapist about back, neck or joint pain without seeing a GP first.",
		BodyMD: `A first contact physiotherapist is an expert in muscles and joints. They can:

- find out what is causing your pain
- show you exercises that help
- give you advice so you can keep working
- send you for a scan, or to a specialist, if you need it
- give you a sick note for work if you need one

Appointments last 30 minutes. Wear loose clothes so the physiotherapist can look at the part that hurts.

## When you need help straight away

Call 999 or go to A&E if you have back pain and:

- numbness around your bottom or genitals
- you cannot pee, or cannot control when you pee or poo`,
		WhoFor:      "Adults aged 18 or over, registered with one of our practices, who have a muscle or joint problem like back pain, neck pain, or a painful knee or shoulder.",
		HowToAccess: "Phone or visit your practice and ask for a physiotherapy appointment. You do not need to see a GP first.",
	},
	{
		Slug: "care-coordinators", Name: "Care coordinators",
		Summary: "Help for people with lots of health needs to get care that fits together.",
		BodyMD: `If you see lots of different services, it can be hard to keep track. A care coordinator is your main contact. They can:

- plan your care with you and your family
- make sure everyone looking after you knows what is happening
- help you get ready for appointments
- help you settle back at home after a stay in hospital`,
		WhoFor:      "People with several long-term conditions, people who are frail or cannot leave home, and people who live in care homes.",
		HowToAccess: "Your GP, nurse or another member of your practice team can refer you. Ask at your practice if you think it would help.",
	},
	{
		Slug: "health-and-wellbeing-coaches", Name: "Health and wellbeing coaches", SelfReferral: true,
		Summary: "Support to set goals and make changes, like being more active or eating well.",
		BodyMD: `A health and wellbeing coach helps you decide what you want to change, and make a plan. They will not tell you what to do. They help you find what works for you.

People see a coach to:

- be more active
- eat more healthily or lose weight
- stop smoking
- sleep better
- feel more confident looking after a long-term condition

You usually meet every 2 to 4 weeks, up to 6 times.`,
		WhoFor:      "Adults registered with one of our practices who want to make a change to their health.",
		HowToAccess: "Call 0113 496 0121 and leave a message, or email coaching@highfivespcn.example. You can also ask your practice to refer you.",
	},
	{
		Slug: "mental-health-practitioners", Name: "Mental health practitioners",
		Summary: "Appointments at your practice with a mental health worker, for worries, low mood and other mental health problems.",
		BodyMD: `Our mental health practitioners work in the practices, alongside the GPs. They come from the local NHS mental health service. They can:

- talk with you about how you are feeling
- help you make a plan to feel better
- talk about whether medicine could help
- refer you to talking therapies or other support

## If you need help now

If you feel you might hurt yourself or someone else, get help straight away. Call 111 and choose the mental health option. In an emergency, call 999.`,
		WhoFor:      "Adults aged 18 or over with mental health problems, like depression or anxiety, that are not getting better.",
		HowToAccess: "Ask your practice for an appointment. Reception staff will ask a few questions to check this is the right person for you. You can also refer yourself to NHS Talking Therapies on the NHS website.",
	},
}

var highFivesStaff = []struct {
	service string
	m       models.StaffMember
}{
	{"", models.StaffMember{Name: "Dr Amara Okafor", Role: "Clinical director", Bio: "Amara is a GP partner at Fivefields Medical Centre. She leads the network and makes sure our services work well for all 5 practices."}},
	{"social-prescribing", models.StaffMember{Name: "Jordan Ellis", Role: "Social prescribing link worker", Bio: "Jordan has lived in Fivefields for most of their life and knows lots of local groups. Ask Jordan about walking groups, food banks or help with bills."}},
	{"social-prescribing", models.StaffMember{Name: "Priya Nair", Role: "Social prescribing link worker", Bio: "Priya speaks English, Gujarati and Hindi. She runs our carers' coffee mornings."}},
	{"clinical-pharmacists", models.StaffMember{Name: "Tom Adeyemi", Role: "Clinical pharmacist", Bio: "Tom has been a pharmacist for 12 years. He runs our asthma and diabetes clinics."}},
	{"clinical-pharmacists", models.StaffMember{Name: "Hannah Kowalski", Role: "Clinical pharmacist", Bio: "Hannah joined us from a hospital pharmacy team. She helps people who take a lot of medicines, and visits our care homes."}},
	{"first-contact-physiotherapy", models.StaffMember{Name: "Sarah Whitlock", Role: "First contact physiotherapist", Bio: "Sarah works at Station Road Health Centre and Orchard Lane Practice. She used to work with a local rugby club."}},
	{"care-coordinators", models.StaffMember{Name: "Mohammed Rahman", Role: "Care coordinator", Bio: "Mohammed works with people who cannot leave home and with our care homes. Families often call him first."}},
	{"health-and-wellbeing-coaches", models.StaffMember{Name: "Lucy Fenwick", Role: "Health and wellbeing coach", Bio: "Lucy helps people get more active. She leads our Saturday walk and talk group."}},
	{"mental-health-practitioners", models.StaffMember{Name: "Chris Barnes", Role: "Mental health practitioner", Bio: "Chris is a mental health nurse. He works at Fivefields Medical Centre and The Willows Surgery."}},
}
