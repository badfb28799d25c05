package ods

import "testing"

func TestTitle(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"WEST MERTON PCN", "West Merton PCN"},
		{"THE DENSHAM SURGERY", "The Densham Surgery"},
		{"STOCKTON-ON-TEES", "Stockton-on-Tees"},
		{"160 TOOTING HIGH STREET", "160 Tooting High Street"},
		{"ECCLES & IRLAM PCN", "Eccles & Irlam PCN"},
		{"DR R LYONS' PRACTICE", "Dr R Lyons' Practice"},
		{"O'BRIEN HOUSE", "O'Brien House"},
		{"MCKENZIE HOUSE", "McKenzie House"},
		{"UNIT 3B, 1ST FLOOR", "Unit 3B, 1st Floor"},
		{"C/O HAVERING HEALTH", "C/O Havering Health"},
		{"NHS SOUTH WEST LONDON ICB - 36L", "NHS South West London ICB - 36L"},
		{"HEALTH CENTRE OF THE TOWN", "Health Centre of the Town"},
		{"Already Mixed Case", "Already Mixed Case"},
		{"GREENSAND SURGERY (AMPTHILL)", "Greensand Surgery (Ampthill)"},
		{"PICS MID NOTTS LTD", "Pics Mid Notts Ltd"},
		{"HMP & YOI BRONZEFIELD", "HMP & YOI Bronzefield"},
		{"ST JOHN'S WOOD", "St John's Wood"},
		{"", ""},
	} {
		if got := Title(tt.in); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
