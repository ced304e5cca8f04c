package ticket

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has
)

func calZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustCal(t testing.TB, zone string, days, hours, holidays []string) Calendar {
	t.Helper()
	c, err := NewCalendar(calZone(t, zone), days, hours, holidays)
	if err != nil {
		t.Fatalf("NewCalendar(%s, %v, %v, %v): %v", zone, days, hours, holidays, err)
	}
	return c
}

// calAt reads "2006-01-02 15:04" as wall-clock time in c's zone.
func calAt(t testing.TB, c Calendar, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location())
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// The seed desks' calendars, as a desk config would give them.
func calSeeds(t testing.TB) map[string]Calendar {
	return map[string]Calendar{
		// SEKO: New Zealand, 08:30-17:00, Christmas, Boxing Day observed, New Year.
		"seko": mustCal(t, "Pacific/Auckland", nil, []string{"08:30-17:00"}, []string{"2026-12-25", "2026-12-28", "2027-01-01"}),
		// SEMCO: Berlin, lunch break, Good Friday, Easter Monday, Christmas Eve and Day.
		"semco": mustCal(t, "Europe/Berlin", []string{"Monday", "TUE", "wed", "thu", "fri"}, []string{"13:00-17:00", "08:00-12:00"},
			[]string{"2026-04-03", "2026-04-06", "2026-12-24", "2026-12-25"}),
		// Replica: Rome, 09-13 and 14-18, Immacolata and Christmas.
		"replica": mustCal(t, "Europe/Rome", nil, []string{"09:00-13:00", "14:00-18:00"}, []string{"2026-12-08", "2026-12-25", "2026-12-26"}),
		// SERA: Amsterdam, 08-17, King's Day (a Monday) and Christmas (a Friday).
		"sera": mustCal(t, "Europe/Amsterdam", []string{"mon", "tue", "wed", "thu", "fri"}, []string{"08:00-17:00"}, []string{"2026-04-27", "2026-12-25"}),
	}
}

func TestCalendarAdd(t *testing.T) {
	cals := calSeeds(t)
	for _, tc := range []struct {
		name, cal, from string
		d               time.Duration
		want            string
	}{
		{"within the day", "sera", "2026-11-17 09:00", 2 * time.Hour, "2026-11-17 11:00"},
		{"runs out at closing", "sera", "2026-11-20 16:00", time.Hour, "2026-11-20 17:00"},
		{"friday afternoon to monday", "sera", "2026-11-20 16:00", 4 * time.Hour, "2026-11-23 11:00"},
		{"opened saturday", "sera", "2026-11-21 10:00", time.Hour, "2026-11-23 09:00"},
		{"opened sunday night", "sera", "2026-11-22 23:30", 90 * time.Minute, "2026-11-23 09:30"},
		{"opened before opening", "sera", "2026-11-17 06:00", 30 * time.Minute, "2026-11-17 08:30"},
		{"opened after closing", "sera", "2026-11-17 18:00", 2 * time.Hour, "2026-11-18 10:00"},
		{"opened at night, a full day", "sera", "2026-11-18 02:00", 9 * time.Hour, "2026-11-18 17:00"},
		{"a working week", "sera", "2026-11-16 08:00", 45 * time.Hour, "2026-11-20 17:00"},
		{"holiday friday before a weekend", "sera", "2026-12-24 16:00", 2 * time.Hour, "2026-12-28 09:00"},
		{"opened on a holiday", "sera", "2026-12-25 10:00", time.Hour, "2026-12-28 09:00"},
		{"holiday monday", "sera", "2026-04-24 16:00", 2 * time.Hour, "2026-04-28 09:00"},
		{"a minute before closing", "sera", "2026-11-17 16:59", 2 * time.Minute, "2026-11-18 08:01"},
		{"zero stays put, even closed", "sera", "2026-11-21 10:00", 0, "2026-11-21 10:00"},
		{"negative is zero", "sera", "2026-11-21 10:00", -time.Hour, "2026-11-21 10:00"},
		{"split: across lunch", "semco", "2026-11-17 11:00", 2 * time.Hour, "2026-11-17 14:00"},
		{"split: opened at lunch", "semco", "2026-11-17 12:30", time.Hour, "2026-11-17 14:00"},
		{"split: runs out at lunch", "semco", "2026-11-17 11:00", time.Hour, "2026-11-17 12:00"},
		{"split: two holidays and a weekend", "semco", "2026-12-23 16:00", 2 * time.Hour, "2026-12-28 09:00"},
		{"split: easter", "semco", "2026-04-02 16:00", 2 * time.Hour, "2026-04-07 09:00"},
		{"auckland friday to monday", "seko", "2026-12-18 16:00", 4 * time.Hour, "2026-12-21 11:30"},
		{"auckland christmas and boxing day observed", "seko", "2026-12-24 16:00", 2 * time.Hour, "2026-12-29 09:30"},
		{"rome holiday tuesday", "replica", "2026-12-07 17:00", 2 * time.Hour, "2026-12-09 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cals[tc.cal]
			from, want := calAt(t, c, tc.from), calAt(t, c, tc.want)
			got := c.Add(from, tc.d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %s, want %s", tc.from, tc.d, got, want)
			}
			if tc.d > 0 {
				if got.Location() != c.Location() {
					t.Errorf("Add gave a time in %s, want %s", got.Location(), c.Location())
				}
				if e := c.Elapsed(from, got); e != tc.d {
					t.Errorf("Elapsed(%s, %s) = %v, want %v", tc.from, tc.want, e, tc.d)
				}
			}
		})
	}
}

func TestCalendarAddDays(t *testing.T) {
	cals := calSeeds(t)
	for _, tc := range []struct {
		name, cal, from string
		n               int
		want            string
	}{
		{"friday to monday", "sera", "2026-11-20 10:00", 1, "2026-11-23 10:00"},
		{"from saturday: monday's close", "sera", "2026-11-21 10:00", 1, "2026-11-23 17:00"},
		{"a week", "semco", "2026-11-17 09:00", 5, "2026-11-24 09:00"},
		{"over christmas", "semco", "2026-12-23 10:00", 2, "2026-12-29 10:00"},
		{"over the DST weekend", "semco", "2026-03-27 10:00", 1, "2026-03-30 10:00"},
		{"auckland over easter and DST", "seko", "2026-04-03 09:00", 1, "2026-04-06 09:00"},
		{"zero", "sera", "2026-11-21 10:00", 0, "2026-11-21 10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cals[tc.cal]
			if got, want := c.AddDays(calAt(t, c, tc.from), tc.n), calAt(t, c, tc.want); !got.Equal(want) {
				t.Fatalf("AddDays(%s, %d) = %s, want %s", tc.from, tc.n, got, want)
			}
		})
	}
	for name, want := range map[string]time.Duration{"seko": 8*time.Hour + 30*time.Minute, "semco": 8 * time.Hour, "replica": 8 * time.Hour, "sera": 9 * time.Hour} {
		if got := cals[name].DayLength(); got != want {
			t.Errorf("%s DayLength = %v, want %v", name, got, want)
		}
	}
}

func TestCalendarElapsed(t *testing.T) {
	cals := calSeeds(t)
	for _, tc := range []struct {
		name, cal, from, to string
		want                time.Duration
	}{
		{"across a weekend", "sera", "2026-11-20 16:00", "2026-11-23 11:00", 4 * time.Hour},
		{"across a holiday and a weekend", "sera", "2026-12-24 16:00", "2026-12-28 09:00", 2 * time.Hour},
		{"a whole week", "sera", "2026-11-16 00:00", "2026-11-23 00:00", 45 * time.Hour},
		{"weekend only", "sera", "2026-11-21 00:00", "2026-11-22 23:59", 0},
		{"night only", "sera", "2026-11-17 17:00", "2026-11-18 08:00", 0},
		{"reversed", "sera", "2026-11-23 11:00", "2026-11-20 16:00", 0},
		{"equal", "sera", "2026-11-23 11:00", "2026-11-23 11:00", 0},
		{"split: over lunch", "semco", "2026-11-17 11:30", "2026-11-17 13:30", time.Hour},
		{"split: christmas week", "semco", "2026-12-21 00:00", "2026-12-28 00:00", 24 * time.Hour},
		{"auckland over the new year", "seko", "2026-12-31 16:00", "2027-01-04 09:30", 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cals[tc.cal]
			if got := c.Elapsed(calAt(t, c, tc.from), calAt(t, c, tc.to)); got != tc.want {
				t.Fatalf("Elapsed(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestCalendarNextOpen(t *testing.T) {
	cals := calSeeds(t)
	for _, tc := range []struct {
		name, cal, at string
		open          bool
		next          string
	}{
		{"before opening", "sera", "2026-11-17 07:59", false, "2026-11-17 08:00"},
		{"at opening", "sera", "2026-11-17 08:00", true, "2026-11-17 08:00"},
		{"during", "sera", "2026-11-17 16:59", true, "2026-11-17 16:59"},
		{"at closing", "sera", "2026-11-17 17:00", false, "2026-11-18 08:00"},
		{"saturday", "sera", "2026-11-21 12:00", false, "2026-11-23 08:00"},
		{"holiday friday", "sera", "2026-12-25 10:00", false, "2026-12-28 08:00"},
		{"lunch", "semco", "2026-11-17 12:00", false, "2026-11-17 13:00"},
		{"after lunch", "semco", "2026-11-17 13:00", true, "2026-11-17 13:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cals[tc.cal]
			at := calAt(t, c, tc.at)
			if got := c.IsOpen(at); got != tc.open {
				t.Errorf("IsOpen(%s) = %v, want %v", tc.at, got, tc.open)
			}
			if got, want := c.NextOpen(at), calAt(t, c, tc.next); !got.Equal(want) {
				t.Errorf("NextOpen(%s) = %s, want %s", tc.at, got, want)
			}
		})
	}
}

// The DST Sundays of 2026: each zone's spring and autumn change, with the
// real length of a 01:00-04:00 period on that day and its UTC ends.
var calDSTDays = []struct {
	zone, day     string // day is the Sunday of the change
	night         time.Duration
	start, end    string // UTC ends of the 01:00-04:00 period
	wholeDay      time.Duration
	spring        bool
	saturdayNoonZ string // noon of the day before, in UTC
}{
	{"Europe/Berlin", "2026-03-29", 2 * time.Hour, "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", 23 * time.Hour, true, "2026-03-28T11:00:00Z"},
	{"Europe/Berlin", "2026-10-25", 4 * time.Hour, "2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z", 25 * time.Hour, false, "2026-10-24T10:00:00Z"},
	{"Europe/Amsterdam", "2026-03-29", 2 * time.Hour, "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", 23 * time.Hour, true, "2026-03-28T11:00:00Z"},
	{"Europe/Amsterdam", "2026-10-25", 4 * time.Hour, "2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z", 25 * time.Hour, false, "2026-10-24T10:00:00Z"},
	{"Europe/Rome", "2026-03-29", 2 * time.Hour, "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", 23 * time.Hour, true, "2026-03-28T11:00:00Z"},
	{"Europe/Rome", "2026-10-25", 4 * time.Hour, "2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z", 25 * time.Hour, false, "2026-10-24T10:00:00Z"},
	{"Pacific/Auckland", "2026-04-05", 4 * time.Hour, "2026-04-04T12:00:00Z", "2026-04-04T16:00:00Z", 25 * time.Hour, false, "2026-04-03T23:00:00Z"},
	{"Pacific/Auckland", "2026-09-27", 2 * time.Hour, "2026-09-26T13:00:00Z", "2026-09-26T15:00:00Z", 23 * time.Hour, true, "2026-09-26T00:00:00Z"},
}

func TestCalendarDST(t *testing.T) {
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	all := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	for _, tc := range calDSTDays {
		t.Run(tc.zone+" "+tc.day, func(t *testing.T) {
			sat := utc(tc.saturdayNoonZ)
			night := mustCal(t, tc.zone, []string{"sun"}, []string{"01:00-04:00"}, nil)
			start, end := utc(tc.start), utc(tc.end)
			if got := night.NextOpen(sat); !got.Equal(start) {
				t.Errorf("01:00-04:00: NextOpen(saturday noon) = %s, want %s", got.UTC(), start)
			}
			if got := night.Elapsed(sat, sat.Add(48*time.Hour)); got != tc.night {
				t.Errorf("01:00-04:00: Elapsed over the weekend = %v, want %v", got, tc.night)
			}
			if got := night.Add(sat, tc.night); !got.Equal(end) {
				t.Errorf("01:00-04:00: Add(saturday noon, %v) = %s, want %s", tc.night, got.UTC(), end)
			}
			if got, want := night.Add(sat, 90*time.Minute), start.Add(90*time.Minute); !got.Equal(want) {
				t.Errorf("01:00-04:00: Add(saturday noon, 1h30) = %s, want %s", got.UTC(), want)
			}
			nextSun, _ := time.ParseInLocation(time.DateOnly, tc.day, night.Location())
			if got, want := night.Add(sat, tc.night+time.Minute), nextSun.AddDate(0, 0, 7).Add(61*time.Minute); !got.Equal(want) {
				t.Errorf("01:00-04:00: Add(saturday noon, %v) = %s, want %s", tc.night+time.Minute, got, want)
			}

			office := mustCal(t, tc.zone, []string{"sun"}, []string{"08:00-17:00"}, nil)
			if got := office.Elapsed(sat, sat.Add(48*time.Hour)); got != 9*time.Hour {
				t.Errorf("08:00-17:00: Elapsed over the weekend = %v, want 9h", got)
			}
			if got := office.AddDays(sat, 1); got.In(office.Location()).Format("2006-01-02 15:04") != tc.day+" 17:00" {
				t.Errorf("08:00-17:00: AddDays(saturday noon, 1) = %s, want %s 17:00", got, tc.day)
			}

			zoned := mustCal(t, tc.zone, all, nil, nil)
			slow := mustCal(t, tc.zone, all, []string{"00:00-12:00", "12:00-24:00"}, []string{"2030-01-01"})
			if !zoned.AlwaysOpen() || slow.AlwaysOpen() {
				t.Fatalf("AlwaysOpen: 24x7 = %v, 24x7 with a holiday = %v", zoned.AlwaysOpen(), slow.AlwaysOpen())
			}
			for _, c := range []Calendar{zoned, slow} {
				day, _ := time.ParseInLocation(time.DateOnly, tc.day, c.Location())
				next := day.AddDate(0, 0, 1)
				if got := c.Elapsed(day, next); got != tc.wholeDay {
					t.Errorf("24x7 (always open %v): Elapsed over %s = %v, want %v", c.AlwaysOpen(), tc.day, got, tc.wholeDay)
				}
				if got := c.Add(day, tc.wholeDay); !got.Equal(next) {
					t.Errorf("24x7 (always open %v): Add(%s, %v) = %s, want %s", c.AlwaysOpen(), tc.day, tc.wholeDay, got, next)
				}
				wall := c.Add(sat, 24*time.Hour).Format("Mon 15:04")
				if want := map[bool]string{true: "Sun 13:00", false: "Sun 11:00"}[tc.spring]; wall != want {
					t.Errorf("24x7 (always open %v): Add(saturday noon, 24h) shows %s, want %s", c.AlwaysOpen(), wall, want)
				}
			}
		})
	}
}

// Periods that DST pushes into each other count the time once.
func TestCalendarDSTPeriodsMeet(t *testing.T) {
	c := mustCal(t, "Europe/Berlin", []string{"sun"}, []string{"01:00-02:45", "03:00-05:00"}, nil)
	sat := time.Date(2026, 3, 28, 12, 0, 0, 0, c.Location())
	if got := c.Elapsed(sat, sat.Add(48*time.Hour)); got != 3*time.Hour {
		t.Fatalf("Elapsed over the spring Sunday = %v, want 3h (01:00-02:00 CET and 03:00-05:00 CEST)", got)
	}
	if got, want := c.Add(sat, 3*time.Hour), time.Date(2026, 3, 29, 5, 0, 0, 0, c.Location()); !got.Equal(want) {
		t.Fatalf("Add(saturday, 3h) = %s, want %s", got, want)
	}
}

func TestCalendarZeroIsAlwaysOpenUTC(t *testing.T) {
	var c Calendar
	at := time.Date(2026, 11, 21, 3, 0, 0, 0, calZone(t, "Europe/Rome")) // a Saturday night
	switch {
	case !c.AlwaysOpen():
		t.Error("zero Calendar is not always open")
	case c.Location() != time.UTC:
		t.Errorf("zero Calendar location = %s, want UTC", c.Location())
	case c.DayLength() != 24*time.Hour:
		t.Errorf("zero Calendar DayLength = %v, want 24h", c.DayLength())
	case !c.IsOpen(at) || !c.NextOpen(at).Equal(at):
		t.Errorf("zero Calendar closed at %s", at)
	case !c.Add(at, 5*time.Hour).Equal(at.Add(5*time.Hour)) || c.Add(at, time.Hour).Location() != time.UTC:
		t.Errorf("zero Calendar Add(%s, 5h) = %s", at, c.Add(at, 5*time.Hour))
	case !c.AddDays(at, 2).Equal(at.Add(48 * time.Hour)):
		t.Errorf("zero Calendar AddDays(%s, 2) = %s", at, c.AddDays(at, 2))
	case c.Elapsed(at, at.Add(30*time.Hour)) != 30*time.Hour:
		t.Errorf("zero Calendar Elapsed = %v", c.Elapsed(at, at.Add(30*time.Hour)))
	}

	def, err := NewCalendar(nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sat := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	if def.AlwaysOpen() || def.Location() != time.UTC || def.DayLength() != 24*time.Hour || def.IsOpen(sat) || !def.IsOpen(sat.Add(-24*time.Hour)) {
		t.Errorf("NewCalendar(nil...) is not monday-friday all day in UTC: %+v", def)
	}
	if got, want := def.NextOpen(sat), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NewCalendar(nil...).NextOpen(saturday) = %s, want %s", got, want)
	}
}

// A calendar with no working time (NewCalendar refuses one) gives up.
func TestCalendarWithoutWorkingTimeGivesUp(t *testing.T) {
	c := Calendar{limited: true, periods: []calPeriod{{8 * 60, 17 * 60}}}
	at := time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)
	if !c.Add(at, time.Hour).IsZero() || !c.NextOpen(at).IsZero() || c.IsOpen(at) || c.Elapsed(at, at.Add(time.Hour)) != 0 {
		t.Fatal("a calendar with no working days did not give up with the zero Time")
	}
}

func TestNewCalendarErrors(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		days, hours, holidays []string
		want                  string
	}{
		{"bad day name", []string{"mon", "mo"}, nil, nil, `unknown working day "mo" (accepted: mon, tue`},
		{"end before start", nil, []string{"17:00-08:00"}, nil, `"17:00-08:00": the start must be before the end`},
		{"empty period", nil, []string{"08:00-08:00"}, nil, "the start must be before the end"},
		{"overlapping periods", nil, []string{"08:00-12:00", "11:00-13:00"}, nil, `"08:00-12:00" and "11:00-13:00" overlap`},
		{"overlapping periods, given late first", nil, []string{"11:00-13:00", "08:00-12:00"}, nil, `"08:00-12:00" and "11:00-13:00" overlap`},
		{"same period twice", nil, []string{"08:00-12:00", "08:00-12:00"}, nil, "overlap"},
		{"25:00", nil, []string{"08:00-25:00"}, nil, `"25:00" is not a time of day (accepted: 00:00 to 23:59, and 24:00 as an end)`},
		{"24:00 as a start", nil, []string{"24:00-24:00"}, nil, `"24:00" is not a time of day`},
		{"minutes past 59", nil, []string{"08:60-12:00"}, nil, `"08:60" is not a time of day`},
		{"hours without minutes", nil, []string{"8-17"}, nil, `"8" is not a time of day`},
		{"not a period", nil, []string{"0800"}, nil, `"0800" are not a period (accepted: HH:MM-HH:MM`},
		{"bad date", nil, nil, []string{"2026-02-30"}, `holiday "2026-02-30" is not a date (accepted: YYYY-MM-DD`},
		{"day first date", nil, nil, []string{"25/12/2026"}, `holiday "25/12/2026" is not a date`},
		{"no working days", []string{" "}, nil, nil, "no working time: give days and hours"},
		{"no working hours", nil, []string{""}, nil, "no working time: give days and hours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(time.UTC, tc.days, tc.hours, tc.holidays)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
	// And what is accepted.
	c, err := NewCalendar(nil, []string{" Saturday ", "SUN"}, []string{"8:00-12:00", "12:00-24:00", " "}, []string{"2026-12-26", ""})
	if err != nil {
		t.Fatal(err)
	}
	if c.DayLength() != 16*time.Hour || len(c.periods) != 1 || !c.days[time.Saturday] || c.days[time.Monday] {
		t.Fatalf("weekend calendar read wrong: %+v", c)
	}
}

// calPropertyCals are the seed calendars and some awkward ones, in the four zones.
func calPropertyCals(t testing.TB) []Calendar {
	s := calSeeds(t)
	all := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	return []Calendar{
		s["seko"], s["semco"], s["replica"], s["sera"],
		mustCal(t, "Europe/Berlin", all, []string{"01:00-04:00", "08:00-17:00"}, []string{"2026-06-01"}),
		mustCal(t, "Pacific/Auckland", all, []string{"01:00-04:00", "22:00-24:00"}, nil),
		mustCal(t, "Europe/Rome", all, []string{"00:00-12:00", "12:00-24:00"}, []string{"2026-10-26"}),
		mustCal(t, "Europe/Amsterdam", []string{"sun", "mon"}, []string{"00:00-03:00", "20:00-24:00"}, []string{"2026-03-30"}),
		mustCal(t, "Europe/Amsterdam", all, nil, nil),
	}
}

// calRandomTime is uniform over 2026-2027 half the time, and near one of
// the DST changes the other half.
func calRandomTime(rng *rand.Rand) time.Time {
	if rng.IntN(2) == 0 {
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		return from.Add(time.Duration(rng.Int64N(int64(2 * 365 * 24 * time.Hour))))
	}
	day := calDSTDays[rng.IntN(len(calDSTDays))]
	at, _ := time.Parse(time.RFC3339, day.start)
	return at.Add(time.Duration(rng.Int64N(int64(6*24*time.Hour))) - 3*24*time.Hour)
}

func TestCalendarAddElapsedInverse(t *testing.T) {
	cals := calPropertyCals(t)
	rng := rand.New(rand.NewPCG(7, 2026))
	for i := range 2000 {
		c := cals[rng.IntN(len(cals))]
		from := calRandomTime(rng)
		var d time.Duration
		switch rng.IntN(3) {
		case 0: // whole minutes, to hit period ends exactly
			d = time.Duration(1+rng.Int64N(int64(30*c.DayLength()/time.Minute))) * time.Minute
		case 1:
			d = 1 + time.Duration(rng.Int64N(int64(3*time.Hour)))
		default:
			d = 1 + time.Duration(rng.Int64N(int64(30*c.DayLength())))
		}
		to := c.Add(from, d)
		if to.IsZero() || !to.After(from) {
			t.Fatalf("case %d, %s: Add(%s, %v) = %s", i, c.Location(), from, d, to)
		}
		if got := c.Elapsed(from, to); got != d {
			t.Fatalf("case %d, %s: Elapsed(%s, Add(.., %v) = %s) = %v", i, c.Location(), from, d, to, got)
		}
		if got := c.Elapsed(from, to.Add(-1)); got != d-1 {
			t.Fatalf("case %d, %s: Add(%s, %v) = %s is not the first such moment: a nanosecond before has %v", i, c.Location(), from, d, to, got)
		}
		d1 := time.Duration(rng.Int64N(int64(d)))
		mid := c.Add(from, d1)
		if got := c.Add(mid, d-d1); !got.Equal(to) {
			t.Fatalf("case %d, %s: Add(Add(%s, %v), %v) = %s, want %s", i, c.Location(), from, d1, d-d1, got, to)
		}
		if got := c.Elapsed(from, mid) + c.Elapsed(mid, to); got != d {
			t.Fatalf("case %d, %s: Elapsed split at %s sums to %v, want %v", i, c.Location(), mid, got, d)
		}
		if next := c.NextOpen(from); !c.IsOpen(next) || c.Elapsed(from, next) != 0 || next.Before(from) {
			t.Fatalf("case %d, %s: NextOpen(%s) = %s", i, c.Location(), from, next)
		}
	}
}

// Elapsed agrees with counting, minute by minute, the minutes whose local
// wall-clock time is in a working period: an independent reading of the
// configuration, right across DST (no period starts or ends in a DST hour).
func TestCalendarElapsedMatchesMinuteCount(t *testing.T) {
	cals := calPropertyCals(t)
	rng := rand.New(rand.NewPCG(11, 2026))
	for i := range 200 {
		c := cals[rng.IntN(len(cals))]
		from := calRandomTime(rng).Truncate(time.Minute)
		to := from.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
		var want time.Duration
		for m := from; m.Before(to); m = m.Add(time.Minute) {
			lt := m.In(c.Location())
			if !c.days[lt.Weekday()] || c.holidays[calDateKey(lt.Date())] {
				continue
			}
			mod := lt.Hour()*60 + lt.Minute()
			for _, p := range c.periods {
				if p.start <= mod && mod < p.end {
					want += time.Minute
				}
			}
		}
		if got := c.Elapsed(from, to); got != want {
			t.Fatalf("case %d, %s: Elapsed(%s, %s) = %v, minutes counted %v", i, c.Location(), from.In(c.Location()), to.In(c.Location()), got, want)
		}
	}
}

// The two-year search bound is for days without working time, not a cap.
func TestCalendarAddYearsAhead(t *testing.T) {
	c := calSeeds(t)["sera"]
	from := calAt(t, c, "2026-11-17 09:00")
	d := 600 * c.DayLength()
	to := c.Add(from, d)
	if to.Year() < 2028 || c.Elapsed(from, to) != d {
		t.Fatalf("Add(%s, 600 days) = %s", from, to)
	}
}

func BenchmarkCalendarAdd(b *testing.B) {
	c := calSeeds(b)["semco"]
	from := time.Date(2026, 3, 20, 16, 0, 0, 0, c.Location())
	d := 20 * c.DayLength()
	for b.Loop() {
		c.Add(from, d)
	}
}
