package ticket

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Calendar is a business calendar: a time zone, working days, working
// periods of the day in local wall-clock time, and holidays. A desk may have
// several (one per department). The zero Calendar is "always open" (24x7,
// UTC): every moment is business time. A Calendar is immutable; copies share
// nothing that is ever changed.
type Calendar struct {
	loc      *time.Location // nil is UTC
	limited  bool           // false: 24x7 with no holidays (the zero Calendar)
	days     [7]bool        // working days, indexed by time.Weekday
	periods  []calPeriod    // sorted, disjoint, not touching
	holidays map[int]bool   // calDateKey of closed local dates
}

// calPeriod is a working period in minutes after local midnight, [start, end).
type calPeriod struct{ start, end int }

// calSearchDays bounds how many days in a row without working time the
// arithmetic looks through before it gives up (about two years).
const calSearchDays = 800

var calDayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// NewCalendar builds a calendar. loc is its time zone (nil is UTC). days
// are the working days as "mon".."sun" or "monday".."sunday", in any case;
// none given means monday to friday. hours are the working periods of a
// working day in local wall-clock time, such as "08:00-12:00" and
// "13:00-17:30"; none given means the whole day, "00:00-24:00". "24:00" is
// accepted as an end; a period's start must be before its end and periods
// must not overlap (periods that touch are joined). holidays are local dates
// such as "2026-12-25", closed the whole day. Blank entries are ignored, but a
// list made only of blank entries means none at all, and a calendar with no
// working time is refused. Errors name the bad value and what is accepted.
func NewCalendar(loc *time.Location, days, hours, holidays []string) (Calendar, error) {
	c := Calendar{loc: loc}
	if len(days) == 0 {
		days = []string{"mon", "tue", "wed", "thu", "fri"}
	}
	for _, s := range days {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		wd, ok := calDayNames[strings.ToLower(s)]
		if !ok {
			return Calendar{}, fmt.Errorf("unknown working day %q (accepted: mon, tue, wed, thu, fri, sat, sun, or the full names)", s)
		}
		c.days[wd] = true
	}
	if len(hours) == 0 {
		hours = []string{"00:00-24:00"}
	}
	var texts []string // the text of each period, for the overlap error
	for _, s := range hours {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := calParsePeriod(s)
		if err != nil {
			return Calendar{}, err
		}
		i, _ := slices.BinarySearchFunc(c.periods, p, func(a, b calPeriod) int { return a.start - b.start })
		switch {
		case i > 0 && c.periods[i-1].end > p.start:
			return Calendar{}, fmt.Errorf("working hours %q and %q overlap (periods must not overlap)", texts[i-1], s)
		case i < len(c.periods) && c.periods[i].start < p.end:
			return Calendar{}, fmt.Errorf("working hours %q and %q overlap (periods must not overlap)", s, texts[i])
		}
		c.periods = slices.Insert(c.periods, i, p)
		texts = slices.Insert(texts, i, s)
	}
	if !slices.Contains(c.days[:], true) || len(c.periods) == 0 {
		return Calendar{}, fmt.Errorf("no working time: give days and hours")
	}
	joined := c.periods[:1]
	for _, p := range c.periods[1:] {
		if last := &joined[len(joined)-1]; last.end == p.start {
			last.end = p.end
		} else {
			joined = append(joined, p)
		}
	}
	c.periods = joined
	for _, s := range holidays {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Calendar{}, fmt.Errorf("holiday %q is not a date (accepted: YYYY-MM-DD, such as 2026-12-25)", s)
		}
		if c.holidays == nil {
			c.holidays = map[int]bool{}
		}
		c.holidays[calDateKey(d.Date())] = true
	}
	allDay := len(c.periods) == 1 && c.periods[0] == calPeriod{0, 24 * 60}
	c.limited = !allDay || slices.Contains(c.days[:], false) || len(c.holidays) > 0
	return c, nil
}

// calParsePeriod reads "HH:MM-HH:MM" into minutes after midnight.
func calParsePeriod(s string) (calPeriod, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return calPeriod{}, fmt.Errorf("working hours %q are not a period (accepted: HH:MM-HH:MM, such as 08:00-12:00)", s)
	}
	var p calPeriod
	for i, part := range []string{from, to} {
		m, ok := calClock(strings.TrimSpace(part))
		if !ok || (i == 0 && m == 24*60) {
			return calPeriod{}, fmt.Errorf("working hours %q: %q is not a time of day (accepted: 00:00 to 23:59, and 24:00 as an end)", s, strings.TrimSpace(part))
		}
		if i == 0 {
			p.start = m
		} else {
			p.end = m
		}
	}
	if p.start >= p.end {
		return calPeriod{}, fmt.Errorf("working hours %q: the start must be before the end (a period cannot cross midnight: give \"22:00-24:00\" and \"00:00-06:00\")", s)
	}
	return p, nil
}

// calClock reads "HH:MM" (or "H:MM") as minutes after midnight, 24:00 included.
func calClock(s string) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || strings.Trim(hh+mm, "0123456789") != "" {
		return 0, false
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// calDateKey packs a date into one comparable number.
func calDateKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// AlwaysOpen reports whether c is 24x7 with no holidays, so that business
// time equals elapsed time. The zero Calendar is always open.
func (c Calendar) AlwaysOpen() bool { return !c.limited }

// Location is c's time zone; UTC for the zero Calendar.
func (c Calendar) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// DayLength is the business time of one full working day: the sum of its
// working periods as configured in wall-clock terms (a DST day is not
// special). It is 24h for the zero Calendar.
func (c Calendar) DayLength() time.Duration {
	if len(c.periods) == 0 { // the zero Calendar
		return 24 * time.Hour
	}
	var n int
	for _, p := range c.periods {
		n += p.end - p.start
	}
	return time.Duration(n) * time.Minute
}

// IsOpen reports whether t falls in a working period (its start included, its
// end not).
func (c Calendar) IsOpen(t time.Time) bool {
	return c.NextOpen(t).Equal(t)
}

// NextOpen is t itself when c is open at t, otherwise the start of the next
// working period, in c's location. It looks at most about two years ahead and
// returns the zero Time when it finds no working time (which NewCalendar's
// calendars always have).
func (c Calendar) NextOpen(t time.Time) time.Time {
	if !c.limited {
		return t
	}
	for s := range c.spans(t) {
		return s
	}
	return time.Time{}
}

// Add is the moment when d of business time has passed after t, in c's
// location: time outside working periods does not count, so a ticket opened
// out of hours starts counting at the next opening. Business time that runs
// out exactly at the end of a period gives that end, not the next opening.
// d <= 0 returns t unchanged. Add returns the zero Time when it runs out of
// working time (about two years without any). Elapsed(t, Add(t, d)) == d.
func (c Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if !c.limited {
		return t.Add(d).In(c.Location())
	}
	for s, e := range c.spans(t) {
		if n := e.Sub(s); d > n {
			d -= n
			continue
		}
		return s.Add(d).In(c.Location())
	}
	return time.Time{}
}

// AddDays is n business days after t: Add(t, n × DayLength()). Friday 10:00
// plus one business day is Monday 10:00 on a monday-to-friday calendar.
// n <= 0 returns t unchanged.
func (c Calendar) AddDays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	return c.Add(t, time.Duration(n)*c.DayLength())
}

// Elapsed is the business time between t1 and t2: the real time of their
// overlap with working periods (so a period across a DST change counts the
// hours that really passed). It is 0 when t2 is not after t1.
func (c Calendar) Elapsed(t1, t2 time.Time) time.Duration {
	if !t2.After(t1) {
		return 0
	}
	if !c.limited {
		return t2.Sub(t1)
	}
	var sum time.Duration
	for s, e := range c.spans(t1) {
		if !s.Before(t2) {
			break
		}
		if e.After(t2) {
			e = t2
		}
		sum += e.Sub(s)
	}
	return sum
}

// spans yields c's working periods from t on as real instants [s, e), in
// order, disjoint and never empty: the first is cut to start at t, and a
// period that DST moves into the previous one is cut to start at its end.
// Boundaries are local wall-clock times built with time.Date, so each
// period counts the real time between them. It stops after calSearchDays
// days in a row without working time.
func (c Calendar) spans(t time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(s, e time.Time) bool) {
		loc := c.Location()
		y, m, d := t.In(loc).Date()
		cur := t
		for day, idle := -1, 0; idle < calSearchDays; day++ {
			idle++
			civil := time.Date(y, m, d+day, 0, 0, 0, 0, time.UTC) // the date, free of DST
			if !c.days[civil.Weekday()] || c.holidays[calDateKey(civil.Date())] {
				continue
			}
			for _, p := range c.periods {
				s := time.Date(y, m, d+day, 0, p.start, 0, 0, loc)
				e := time.Date(y, m, d+day, 0, p.end, 0, 0, loc)
				if s.Before(cur) {
					s = cur
				}
				if !e.After(s) {
					continue
				}
				if !yield(s, e) {
					return
				}
				cur, idle = e, 0
			}
		}
	}
}
