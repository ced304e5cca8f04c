package gateway

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"postdesk/templates"
	"postdesk/ticket"
)

// NotifyConfig is the desk's notification matrix and the mail it sends:
// which event tells whom, the subject every mail of a ticket carries, the
// template overrides and the limits that stop mail loops.
type NotifyConfig struct {
	// Subject is the subject of every mail about a ticket; "{ref}" and
	// "{summary}" are replaced. It is the same for every mail of a ticket so
	// that mail clients keep one conversation (Gmail threads by subject
	// too), and it must contain {ref}: replies are matched by it.
	Subject string `toml:"subject"`
	// Templates is a folder of template overrides (LANG/KIND.txt.tmpl and
	// LANG/KIND.html.tmpl); "" uses the shipped templates only.
	Templates string `toml:"templates"`
	// The matrix: who each event tells (ticket.Audience names); an empty
	// list switches the event off.
	Opened    []ticket.Audience `toml:"opened"`
	Reply     []ticket.Audience `toml:"reply"`
	Answer    []ticket.Audience `toml:"answer"`
	Status    []ticket.Audience `toml:"status"`
	Resolved  []ticket.Audience `toml:"resolved"`
	Escalated []ticket.Audience `toml:"escalated"`
	// PerAddressPerHour and PerTicketPerHour bound the automatic mail sent
	// to one outside address, and to one outside address about one ticket
	// (token buckets of that size, refilled over an hour). Mail past them
	// is not sent; the log and the ticket say so.
	PerAddressPerHour int `toml:"per_address_per_hour"`
	PerTicketPerHour  int `toml:"per_ticket_per_hour"`
}

// BouncesConfig is where bounces come back and what they do.
type BouncesConfig struct {
	// Address is the base of the VERP return paths of outbound mail
	// ("bounces+<outbox id>.<token>@domain"); "" means bounces@<desk.domain>.
	Address string `toml:"address"`
	// SuspendAfter hard bounces of one address within SuspendFor suspend
	// mail to it for SuspendFor; 0 never suspends.
	SuspendAfter int           `toml:"suspend_after"`
	SuspendFor   time.Duration `toml:"suspend_for"`
}

// Matrix is the notification matrix of the config.
func (n NotifyConfig) Matrix() ticket.Matrix {
	return ticket.Matrix{
		ticket.NotifyOpened: n.Opened, ticket.NotifyReply: n.Reply, ticket.NotifyAnswer: n.Answer,
		ticket.NotifyStatus: n.Status, ticket.NotifyResolved: n.Resolved, ticket.NotifyEscalated: n.Escalated,
	}
}

// SubjectOf is the subject of every mail about t: notify.subject with
// {ref} and {summary} filled in, on one line.
func (n NotifyConfig) SubjectOf(t ticket.Ticket) string {
	s := strings.NewReplacer("{ref}", t.Ref, "{summary}", t.Summary).Replace(n.Subject)
	return strings.Join(strings.Fields(s), " ")
}

// BounceAddress is the base of the VERP return paths: bounces.address, or
// bounces@<desk.domain>.
func (c Config) BounceAddress() string {
	if c.Bounces.Address != "" {
		return strings.ToLower(c.Bounces.Address)
	}
	return "bounces@" + strings.ToLower(c.Desk.Domain)
}

func defaultNotify() NotifyConfig {
	a := func(list ...ticket.Audience) []ticket.Audience { return list }
	return NotifyConfig{Subject: "[{ref}] {summary}",
		Opened:            a(ticket.AudienceRequester, ticket.AudienceQueue),
		Reply:             a(ticket.AudienceQueue),
		Answer:            a(ticket.AudienceRequester, ticket.AudienceParticipants),
		Status:            a(ticket.AudienceRequester, ticket.AudienceParticipants),
		Resolved:          a(ticket.AudienceRequester, ticket.AudienceParticipants),
		Escalated:         a(ticket.AudienceAccountManager, ticket.AudienceQueue),
		PerAddressPerHour: 10, PerTicketPerHour: 4}
}

func defaultBounces() BouncesConfig {
	return BouncesConfig{SuspendAfter: 3, SuspendFor: 7 * 24 * time.Hour}
}

// validateNotify checks the notify and bounces sections, calling bad for
// each wrong key.
func (c Config) validateNotify(bad func(key, format string, args ...any)) {
	if !strings.Contains(c.Notify.Subject, "{ref}") {
		bad("notify.subject", "%q must contain {ref}: replies find their ticket by it", c.Notify.Subject)
	}
	if c.Notify.Templates != "" {
		if st, err := os.Stat(c.Notify.Templates); err != nil || !st.IsDir() {
			bad("notify.templates", "%q is not a folder", c.Notify.Templates)
		}
	}
	for _, row := range []struct {
		key  string
		list []ticket.Audience
	}{{"opened", c.Notify.Opened}, {"reply", c.Notify.Reply}, {"answer", c.Notify.Answer},
		{"status", c.Notify.Status}, {"resolved", c.Notify.Resolved}, {"escalated", c.Notify.Escalated}} {
		for _, a := range row.list {
			if !slices.Contains(ticket.Audiences, a) {
				bad("notify."+row.key, "%q is not one of %v", a, ticket.Audiences)
			}
		}
	}
	if c.Notify.PerAddressPerHour < 1 {
		bad("notify.per_address_per_hour", "%d must be at least 1", c.Notify.PerAddressPerHour)
	}
	if c.Notify.PerTicketPerHour < 1 {
		bad("notify.per_ticket_per_hour", "%d must be at least 1", c.Notify.PerTicketPerHour)
	}
	if !slices.Contains(templates.Languages, c.Desk.Language) {
		bad("desk.language", "%q is not one of %v", c.Desk.Language, templates.Languages)
	}
	if a := c.BounceAddress(); strings.Count(a, "@") != 1 || strings.ContainsAny(a, " <>+") ||
		a == c.DeskAddress() || a == c.ControlAddress() {
		bad("bounces.address", "%q must be a plain address other than the support and control addresses", a)
	}
	if c.Bounces.SuspendAfter < 0 {
		bad("bounces.suspend_after", "%d must be 0 (never) or more", c.Bounces.SuspendAfter)
	}
	if c.Bounces.SuspendAfter > 0 && c.Bounces.SuspendFor <= 0 {
		bad("bounces.suspend_for", "must be positive when bounces.suspend_after is set")
	}
}

// describeMatrix is the matrix in one line, for check-config.
func (n NotifyConfig) describeMatrix() string {
	var parts []string
	for _, row := range []struct {
		name string
		list []ticket.Audience
	}{{"opened", n.Opened}, {"reply", n.Reply}, {"answer", n.Answer}, {"status", n.Status},
		{"resolved", n.Resolved}, {"escalated", n.Escalated}} {
		who := "off"
		if len(row.list) > 0 {
			who = fmt.Sprint(row.list)
		}
		parts = append(parts, row.name+" "+who)
	}
	return strings.Join(parts, ", ")
}
