package gateway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postdesk/ticket"
)

// CalendarConfig is one business calendar: the desk's first calendar serves
// every ticket whose department no other calendar names.
type CalendarConfig struct {
	Name string `toml:"name"`
	// Zone is an IANA time zone ("Europe/Amsterdam").
	Zone string `toml:"zone"`
	// Days are the working days ("mon" ... "sun"); empty is Monday to Friday.
	Days []string `toml:"days"`
	// Hours are the working periods of a day in local time ("08:00-17:00").
	Hours []string `toml:"hours"`
	// Holidays are closed dates ("2026-12-25").
	Holidays []string `toml:"holidays"`
	// Departments use this calendar.
	Departments []string `toml:"departments"`
}

// SLAConfig holds the desk's service-level targets and auto-close.
type SLAConfig struct {
	Targets []TargetConfig `toml:"targets"`
	// AutoCloseDays closes a resolved ticket the customer did not answer
	// after that many days, with resolution no_response; RemindDays before
	// that the customer is reminded. 0 switches each off.
	AutoCloseDays int `toml:"auto_close_days"`
	RemindDays    int `toml:"remind_days"`
}

// TargetConfig is one SLA target: the first that matches a ticket's
// severity and priority applies.
type TargetConfig struct {
	Severity      int           `toml:"severity"` // 0: any
	Priority      string        `toml:"priority"` // "": any
	FirstResponse time.Duration `toml:"first_response"`
	Resolution    time.Duration `toml:"resolution"`
	// Business counts only the working time of the ticket's calendar.
	Business bool `toml:"business"`
}

// Escalation triggers.
const (
	TriggerSeverity   = "severity"    // at creation, for the severities listed
	TriggerSLAWarning = "sla_warning" // a fraction of the resolution target used
	TriggerSLABreach  = "sla_breach"  // the first-response or resolution target missed
	TriggerRepeated   = "repeated"    // count tickets of one client with a similar summary within a window
	TriggerUnresolved = "unresolved"  // not resolved after days business days
)

// EscalationRule is one reason to escalate and whom it tells.
type EscalationRule struct {
	Trigger    string        `toml:"trigger"`
	Severities []int         `toml:"severities"` // severity
	Fraction   float64       `toml:"fraction"`   // sla_warning, e.g. 0.75
	Count      int           `toml:"count"`      // repeated, e.g. 3
	Window     time.Duration `toml:"window"`     // repeated, e.g. "24h"
	Days       int           `toml:"days"`       // unresolved, business days
	// Tell names the audiences told (as in [notify]); empty tells those of
	// notify.escalated.
	Tell []ticket.Audience `toml:"tell"`
}

// OfficeHoursConfig says what a new ticket outside its calendar's working
// hours does: its acknowledgement says when it will be handled, unless it is
// urgent, when the on-call agents are told at once.
type OfficeHoursConfig struct {
	UrgentSeverities []int    `toml:"urgent_severities"`
	UrgentPriorities []string `toml:"urgent_priorities"`
	OnCall           []string `toml:"on_call"`
}

// validateTime checks calendars, SLA, escalation and office hours, calling
// bad for each wrong key.
func (c Config) validateTime(bad func(key, format string, args ...any)) {
	seen := map[string]bool{}
	for i, cc := range c.Calendars {
		key := fmt.Sprintf("calendars[%d]", i)
		if cc.Name == "" || seen[cc.Name] {
			bad(key+".name", "%q must be given and unique", cc.Name)
		}
		seen[cc.Name] = true
		if _, err := buildCalendar(cc); err != nil {
			bad(key, "%v", err)
		}
		for _, d := range cc.Departments {
			if len(c.Desk.Departments) > 0 && !slices.Contains(c.Desk.Departments, d) {
				bad(key+".departments", "%q is not one of desk.departments %v", d, c.Desk.Departments)
			}
		}
	}
	for i, t := range c.SLA.Targets {
		if t.Resolution < 0 || t.FirstResponse < 0 || (t.Resolution == 0 && t.FirstResponse == 0) {
			bad(fmt.Sprintf("sla.targets[%d]", i), "give a positive resolution or first_response")
		}
	}
	if c.SLA.AutoCloseDays < 0 || c.SLA.RemindDays < 0 || (c.SLA.RemindDays > 0 && c.SLA.RemindDays >= c.SLA.AutoCloseDays) {
		bad("sla.remind_days", "%d must be 0 or less than sla.auto_close_days (%d)", c.SLA.RemindDays, c.SLA.AutoCloseDays)
	}
	triggers := []string{TriggerSeverity, TriggerSLAWarning, TriggerSLABreach, TriggerRepeated, TriggerUnresolved}
	once := map[string]bool{}
	for i, r := range c.Escalation {
		key := fmt.Sprintf("escalation[%d]", i)
		if once[r.Trigger] {
			bad(key+".trigger", "%q is given twice; give each trigger once", r.Trigger)
		}
		once[r.Trigger] = true
		switch r.Trigger {
		case TriggerSeverity:
			if len(r.Severities) == 0 {
				bad(key+".severities", "name the severities that escalate at once, e.g. [1]")
			}
		case TriggerSLAWarning:
			if r.Fraction <= 0 || r.Fraction >= 1 {
				bad(key+".fraction", "%v must be between 0 and 1, e.g. 0.75", r.Fraction)
			}
		case TriggerRepeated:
			if r.Count < 2 || r.Window <= 0 {
				bad(key+".count", "give count (2 or more) and a positive window, e.g. count = 3, window = \"24h\"")
			}
		case TriggerUnresolved:
			if r.Days < 1 {
				bad(key+".days", "%d must be 1 or more business days", r.Days)
			}
		case TriggerSLABreach:
		default:
			bad(key+".trigger", "%q must be one of %s", r.Trigger, strings.Join(triggers, ", "))
		}
		for _, a := range r.Tell {
			if !slices.Contains(ticket.Audiences, a) {
				bad(key+".tell", "%q is not one of %v", a, ticket.Audiences)
			}
		}
	}
	for i, t := range c.SLA.Targets {
		if len(c.Desk.Priorities) > 0 && t.Priority != "" && !slices.Contains(c.Desk.Priorities, t.Priority) {
			bad(fmt.Sprintf("sla.targets[%d].priority", i), "%q is not one of desk.priorities %v", t.Priority, c.Desk.Priorities)
		}
		if t.Severity < 0 || t.Severity > c.Desk.MaxSeverity {
			bad(fmt.Sprintf("sla.targets[%d].severity", i), "%d must be 0 (any) or 1 to desk.max_severity (%d)", t.Severity, c.Desk.MaxSeverity)
		}
	}
	for _, pr := range c.OfficeHours.UrgentPriorities {
		if len(c.Desk.Priorities) > 0 && !slices.Contains(c.Desk.Priorities, pr) {
			bad("office_hours.urgent_priorities", "%q is not one of desk.priorities %v", pr, c.Desk.Priorities)
		}
	}
	for _, a := range c.OfficeHours.OnCall {
		if strings.Count(a, "@") != 1 {
			bad("office_hours.on_call", "%q is not an address", a)
		}
	}
}

// buildCalendar makes the calendar cc describes.
func buildCalendar(cc CalendarConfig) (ticket.Calendar, error) {
	loc, err := time.LoadLocation(cc.Zone)
	if err != nil {
		return ticket.Calendar{}, fmt.Errorf("zone %q is not a time zone (give an IANA name such as Europe/Amsterdam)", cc.Zone)
	}
	return ticket.NewCalendar(loc, cc.Days, cc.Hours, cc.Holidays)
}

// Calendars are the desk's business calendars: the one for tickets of no
// department named by another (the first configured, or 24x7 UTC when none
// is), and one per department named. The config must be valid.
type Calendars struct {
	Default      ticket.Calendar
	byDepartment map[string]ticket.Calendar
}

// For is the calendar of ticket t.
func (c Calendars) For(t ticket.Ticket) ticket.Calendar {
	if cal, ok := c.byDepartment[t.Department]; ok {
		return cal
	}
	return c.Default
}

// BuildCalendars builds the calendars of a valid config.
func (c Config) BuildCalendars() (Calendars, error) {
	out := Calendars{byDepartment: map[string]ticket.Calendar{}}
	for i, cc := range c.Calendars {
		cal, err := buildCalendar(cc)
		if err != nil {
			return out, fmt.Errorf("calendars[%d]: %w", i, err)
		}
		if i == 0 {
			out.Default = cal
		}
		for _, d := range cc.Departments {
			out.byDepartment[d] = cal
		}
	}
	return out, nil
}

// TimeRules are the time-driven rules the config sets.
func (c Config) TimeRules() ticket.TimeRules {
	r := ticket.TimeRules{AutoCloseDays: c.SLA.AutoCloseDays, RemindDays: c.SLA.RemindDays}
	for _, t := range c.SLA.Targets {
		r.Targets = append(r.Targets, ticket.Target{Severity: t.Severity, Priority: t.Priority,
			FirstResponse: t.FirstResponse, Resolution: t.Resolution, Business: t.Business})
	}
	for _, e := range c.Escalation {
		switch e.Trigger {
		case TriggerSLAWarning:
			r.WarnAt = e.Fraction
		case TriggerSLABreach:
			r.EscalateOnBreach = true
		case TriggerUnresolved:
			r.UnresolvedDays = e.Days
		}
	}
	return r
}

// escalationRule is the configured rule of trigger, if any.
func (c Config) escalationRule(trigger string) (EscalationRule, bool) {
	for _, e := range c.Escalation {
		if e.Trigger == trigger {
			return e, true
		}
	}
	return EscalationRule{}, false
}

// escalationMatrix is the matrix escalations by the rules of triggers tell:
// the union of the rules' own audiences, with notify.escalated for a rule
// that names none (or a trigger no rule has, as a customer's #escalate).
func (c Config) escalationMatrix(triggers []string) ticket.Matrix {
	m := c.Notify.Matrix()
	var tell []ticket.Audience
	for _, tr := range triggers {
		own := c.Notify.Escalated
		if r, ok := c.escalationRule(tr); ok && len(r.Tell) > 0 {
			own = r.Tell
		}
		for _, a := range own {
			if !slices.Contains(tell, a) {
				tell = append(tell, a)
			}
		}
	}
	if len(triggers) > 0 {
		m[ticket.NotifyEscalated] = tell
	}
	return m
}
