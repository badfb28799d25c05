package hours_test

import (
	"fmt"
	"time"

	"github.com/pcnweb/pcnweb/internal/hours"
)

func Example() {
	weekday := []hours.Span{{Open: 8 * 60, Close: 18*60 + 30}}
	s := hours.Schedule{
		Week: hours.Week{
			time.Monday: weekday, time.Tuesday: weekday, time.Wednesday: weekday,
			time.Thursday: weekday, time.Friday: weekday,
		},
		Exceptions: []hours.Exception{
			{From: hours.Date{Y: 2026, M: time.March, D: 12}, To: hours.Date{Y: 2026, M: time.March, D: 12}, Closed: true, Reason: "Staff training"},
		},
		BankHolidays:         hours.EnglandBankHolidays(2026),
		ClosedOnBankHolidays: true,
	}
	if err := s.Validate(); err != nil {
		panic(err)
	}
	for _, now := range []time.Time{
		time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC),  // Monday morning
		time.Date(2026, 3, 11, 19, 0, 0, 0, time.UTC), // Wednesday evening
		time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC), // staff training
		time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC),   // Good Friday (BST)
	} {
		text, expires := s.Status(now)
		fmt.Printf("%s (cache until %s)\n", text, expires.Format("Mon 2 Jan 15:04 MST"))
	}
	fmt.Println(s.Validate() == nil, hours.FormatSpan(weekday[0]))
	// Output:
	// Open now – closes at 6:30pm (cache until Mon 9 Mar 18:30 GMT)
	// Closed now – opens at 8am on Friday (cache until Thu 12 Mar 00:00 GMT)
	// Closed today (Staff training) – opens at 8am tomorrow (cache until Fri 13 Mar 00:00 GMT)
	// Closed today (Good Friday) – opens at 8am on Tuesday (cache until Sat 4 Apr 00:00 BST)
	// true 8am to 6:30pm
}
