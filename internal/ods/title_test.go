package ods

import (
	"strings"
	"testing"

	"github.com/pcnweb/pcnweb/internal/ods/odstest"
)

// titleCases are ODS texts and how Title writes them; the PCN names are
// from the real ePCN.xlsx (TestTitleRealPCNNames checks they are there),
// the rest from epraccur.csv's practice names and addresses.
var titleCases = []struct{ in, want string }{
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

	// Bracketed acronyms: known, without a vowel, or spelled by the words
	// before them; a bracketed word that is a word stays one.
	{"4PCN (BNSSG) PCN", "4PCN (BNSSG) PCN"},
	{"4PCC (BNSSG) PCN", "4PCC (BNSSG) PCN"},
	{"SOUTH (IW) PCN", "South (IW) PCN"},
	{"COLTE PARTNERSHIP (WCW) PCN", "Colte Partnership (WCW) PCN"},
	{"ANGMERING COPPICE FITZALAN (ACF) PCN", "Angmering Coppice Fitzalan (ACF) PCN"},
	{"SOUTH EAST TELFORD (SET) PCN", "South East Telford (SET) PCN"},
	{"LYTHAM ST ANNE'S & ANSDELL (LSA) PCN", "Lytham St Anne's & Ansdell (LSA) PCN"},
	{"KIDLINGTON, ISLIP, WOODSTOCK & YARNTON (KIWY) PCN", "Kidlington, Islip, Woodstock & Yarnton (KIWY) PCN"},
	{"SOUTH EAST OXFORD HEALTH ALLIANCE (SEOXHA) PCN", "South East Oxford Health Alliance (SEOXHA) PCN"},
	{"WYRE RURAL EXTENDED NEIGHBOURHOOD (WREN) PCN", "Wyre Rural Extended Neighbourhood (WREN) PCN"},
	{"NEXUS (DEVON) PCN", "Nexus (Devon) PCN"},
	{"COASTAL (KERNOW) PCN", "Coastal (Kernow) PCN"},
	{"EDEN (LUTON) PCN", "Eden (Luton) PCN"},
	{"CHARD, ILMINSTER & LANGPORT (CLICK) PCN", "Chard, Ilminster & Langport (Click) PCN"},
	{"THE WBC (HEREFORD CITY) PCN", "The WBC (Hereford City) PCN"},
	{"SOUTHEND (SOUTH) PCN", "Southend (South) PCN"}, // one word's start spells nothing out
	// A word that the bracketed words after it, or the words after a
	// dash, spell out.
	{"FABB (FISHPONDS, AIR BALLOON & BEECHWOOD) PCN", "FABB (Fishponds, Air Balloon & Beechwood) PCN"},
	{"CHOC (CONGLETON & HOLMES CHAPEL) PCN", "CHOC (Congleton & Holmes Chapel) PCN"},
	{"CHAW (CHELFORD, HANDFORTH, ALDERLEY EDGE, WILMSLOW) PCN", "CHAW (Chelford, Handforth, Alderley Edge, Wilmslow) PCN"},
	{"HIPC (HOLISTIC PATIENT CENTRED CARE) PCN", "HIPC (Holistic Patient Centred Care) PCN"},
	{"HASP PCN - HULL ASSOCIATION OF SIMILAR PRACTICES", "HASP PCN - Hull Association of Similar Practices"},
	{"UNITY (BEDFORD) PCN", "Unity (Bedford) PCN"},
	// Words without a vowel are acronyms, but not the abbreviations.
	{"SWB PIONEERS FOR HEALTH (SOUTH) PCN", "SWB Pioneers for Health (South) PCN"},
	{"HWL NETWORK PCN", "HWL Network PCN"},
	{"EAST MK PCN", "East MK PCN"},
	{"SW SHROPSHIRE PCN", "SW Shropshire PCN"},
	{"BRENT NORTH KWH PCN", "Brent North KWH PCN"},
	{"DR MK LAKHANI'S PRACTICE", "Dr MK Lakhani's Practice"},
	{"THE HLTH CTR, THOROTON ST", "The Hlth Ctr, Thoroton St"},
	{"DRS LAMBERT & NG", "Drs Lambert & Ng"},
	{"TILLMOUTH PK RD,THROCKLEY", "Tillmouth Pk Rd,Throckley"},
	// Known acronyms with vowels.
	{"PHOENIX @ PANACEA NEL PCN", "Phoenix @ Panacea NEL PCN"},
	{"CITY CENTRE AND UNIVERSITY SHU PCN", "City Centre and University SHU PCN"},
	{"IGPC PCN", "IGPC PCN"},
	// Words with digits stay, apart from long runs of letters.
	{"SWB TOGETHER4HEALTHCARE PCN", "SWB Together4Healthcare PCN"},
	{"GPNET5 PCN", "GPNET5 PCN"},
	{"BRUNEL HEALTH GROUP PCN4", "Brunel Health Group PCN4"},
	{"LS25/LS26 PCN", "LS25/LS26 PCN"},
	{"BD4+ PCN", "BD4+ PCN"},
	{"HARINGEY - N15/SOUTH EAST PCN", "Haringey - N15/South East PCN"},
	{"ST.LEONARDS,85 NUTTALL ST", "St.Leonards,85 Nuttall St"},
	// Small words: lower case in the middle, capital after a comma or a
	// lone dash; "super" and "la" only between hyphens.
	{"H IS FOR HEALTH PCN", "H Is for Health PCN"},
	{"AT MEDICS STREATHAM PCN", "At Medics Streatham PCN"},
	{"CHESTER LE STREET PCN", "Chester le Street PCN"},
	{"BRADFORD ON AVON & MELKSHAM PCN", "Bradford on Avon & Melksham PCN"},
	{"FOREST OF DEAN PCN", "Forest of Dean PCN"},
	{"BCH - THE HAVEN", "BCH - The Haven"},
	{"LEVEL 2, THE GREENWICH CENTRE", "Level 2, The Greenwich Centre"},
	{"30 CHURCH ROAD,THE CENTRE", "30 Church Road,The Centre"},
	{"WESTON-SUPER-MARE", "Weston-super-Mare"},
	{"SUPER SURGERY", "Super Surgery"},
	{"ASHBY-DE-LA-ZOUCH", "Ashby-de-la-Zouch"},
	{"STANFORD-LE-HOPE PCN", "Stanford-le-Hope PCN"},
	// Names.
	{"DR JJ MCPEAKES PRACTICE", "Dr JJ McPeakes Practice"},
	{"MACCLESFIELD", "Macclesfield"},
	{"LYTHAM ST ANNE'S", "Lytham St Anne's"},
	{"PEOPLE'S HEALTH PARTNERSHIP PCN", "People's Health Partnership PCN"},
}

func TestTitle(t *testing.T) {
	for _, tt := range titleCases {
		if got := Title(tt.in); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every PCN name of the real workbook keeps its letters, and the PCN names
// of the table above are real ones.
func TestTitleRealPCNNames(t *testing.T) {
	d, err := Load(odstest.Files(t))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range d.PCNs {
		names[p.Name] = true
		got := Title(p.Name)
		if !strings.EqualFold(got, p.Name) {
			t.Errorf("Title(%q) = %q changes more than case", p.Name, got)
		}
		if strings.HasSuffix(p.Name, " PCN") && !strings.HasSuffix(got, " PCN") {
			t.Errorf("Title(%q) = %q", p.Name, got)
		}
	}
	made := map[string]bool{"4PCC (BNSSG) PCN": true, "SOUTHEND (SOUTH) PCN": true}
	for _, tt := range titleCases {
		if strings.Contains(tt.in, "PCN") && !strings.HasPrefix(tt.in, "NHS") && !made[tt.in] && !names[tt.in] {
			t.Errorf("%q is not a PCN name of the real ePCN.xlsx", tt.in)
		}
	}
}

func FuzzTitle(f *testing.F) {
	for _, tt := range titleCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Title(s)
		if !strings.EqualFold(got, strings.Join(strings.Fields(s), " ")) && strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' }) < 0 {
			// Only ASCII case mapping is compared: other scripts may fold differently.
			if isASCII(s) {
				t.Fatalf("Title(%q) = %q changes more than case", s, got)
			}
		}
		if again := Title(got); again != got && isASCII(s) {
			t.Fatalf("Title(Title(%q)) = %q, not %q", s, again, got)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestICBName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"NHS SOUTH WEST LONDON ICB - 36L", "NHS South West London ICB"},
		{"NHS SOUTH YORKSHIRE ICB - 03N", "NHS South Yorkshire ICB"},
		{"NHS BRISTOL, NORTH SOMERSET AND SOUTH GLOUCESTERSHIRE ICB - 15C", "NHS Bristol, North Somerset and South Gloucestershire ICB"},
		{"NHS Kent and Medway ICB", "NHS Kent and Medway ICB"},
		{"", ""},
	} {
		if got := ICBName(c.in); got != c.want {
			t.Errorf("ICBName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
