package ticket

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Desk is the policy of one support desk that the rules need. It is built from
// the desk's configuration; the zero value is not a usable desk.
type Desk struct {
	// Prefix of reference numbers, such as "TKT" for TKT-1.
	Prefix string
	// Address is the desk's support address (support@example.com), lower case.
	Address string
	// Others are the desk's other addresses (the control address, the base
	// of the bounce return paths), lower case: like Address, never a
	// participant and never mailed.
	Others []string
	// DefaultSeverity is used when a subject names no severity.
	DefaultSeverity int
	// DefaultPriority is the priority of a ticket opened by mail (OCS: "medium").
	DefaultPriority string
	// Reopen says what an answer to a closed ticket does.
	Reopen ReopenPolicy
	// Intents are the words with which customers confirm or reject a fix.
	Intents Intents
	// MaxSeverity is the highest severity number the desk uses (SEKO: 3);
	// 0 means any of 1-9.
	MaxSeverity int
	// Priorities, Categories and Departments are the desk's values for the
	// form fields "priority" (or "urgency"), "category" and "department";
	// an empty list takes any value.
	Priorities, Categories, Departments []string
}

// Inbound is what the rules need to know of one incoming mail, already parsed.
type Inbound struct {
	MessageID string
	// From is the sender's address (lower case); never empty.
	From string
	// Cc lists the other people the customer copied (lower case addresses).
	Cc []string
	// To lists the mail's To: addresses (lower case). On a new ticket the
	// ones besides the desk's own count like Cc (Copied): a colleague
	// written to beside the desk is copied on the problem.
	To      []string
	Subject string
	// NewText is the mail's own new text, without quote and signature.
	NewText string
	// Severity, Client and Summary come from the subject grammar; Severity 0
	// means the subject named none.
	Severity int
	Client   string
	Summary  string
	// Automated is non-empty when the mail was written by a machine (an
	// auto-reply, a bounce, a list mail, our own mail) and says which; such a
	// mail is never answered automatically (RFC 3834).
	Automated string
	// NullSender is true when the envelope return path was empty ("MAIL
	// FROM:<>"), as in bounces and other automatic responses (RFC 5321
	// section 4.5.5).
	NullSender bool
	// XLoop holds the mail's X-Loop header values; one naming the desk's
	// address means the mail is our own coming back.
	XLoop []string
	// Fields are the form fields the mail filled in, by key.
	Fields map[string]string
	// Refused are copied addresses (Copied) the participant policy keeps
	// out, with the reason; they are not added and the history says why.
	// An empty reason keeps an address out silently: the desk's own staff
	// are not participants, and not refused either (MayParticipate).
	Refused map[string]string
}

// Decision is the outcome of applying one inbound mail: the ticket as it is
// now and the events to record. The mail it causes follows from the events
// through the desk's notification matrix (Matrix).
type Decision struct {
	Ticket Ticket
	Events []Event
	// Acknowledge is set on a new ticket whose requester may be
	// acknowledged: an automatic answer to their mail is allowed
	// (NoAutoAnswer).
	Acknowledge bool
	// OpenLinked asks for a new ticket linked to this one (OpenLinked),
	// which the mail then belongs to: an answer to a closed ticket of a
	// desk that does not reopen.
	OpenLinked bool
}

// Open decides the new ticket that an inbound mail, matching no ticket, opens.
// The ticket has no number yet: the store assigns the next one of the desk's
// sequence in the same transaction, so numbers are never reused nor skipped.
func Open(d Desk, in Inbound, now time.Time) Decision {
	sev := in.Severity
	var notes []string
	if d.MaxSeverity > 0 && sev > d.MaxSeverity {
		notes = append(notes, fmt.Sprintf("severity %d is not one of this desk's (1-%d): default %d used", sev, d.MaxSeverity, d.DefaultSeverity))
		sev = 0
	}
	if sev == 0 {
		sev = d.DefaultSeverity
	}
	priority, category, department := d.DefaultPriority, "", ""
	for _, f := range []struct {
		keys   []string
		values []string
		dst    *string
	}{
		{[]string{"priority", "urgency"}, d.Priorities, &priority},
		{[]string{"category"}, d.Categories, &category},
		{[]string{"department"}, d.Departments, &department},
	} {
		for _, k := range f.keys {
			v := in.Fields[k]
			if v == "" {
				continue
			}
			if len(f.values) > 0 && !slices.Contains(f.values, v) {
				notes = append(notes, fmt.Sprintf("%s %q is not one of this desk's (%s): kept as a field only", k, v, strings.Join(f.values, ", ")))
				continue
			}
			*f.dst = v
			break
		}
	}
	summary := in.Summary
	if summary == "" {
		summary = "(no subject)"
	}
	fields := maps.Clone(in.Fields)
	if fields == nil {
		fields = map[string]string{}
	}
	t := Ticket{
		Subject:      in.Subject,
		Summary:      summary,
		Client:       in.Client,
		Severity:     sev,
		Priority:     priority,
		Category:     category,
		Department:   department,
		Status:       StatusNew,
		Requester:    in.From,
		Participants: participants(d, in),
		Fields:       fields,
		Linked:       []string{},
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	dec := Decision{
		Ticket: t,
		Events: []Event{{At: now, Actor: in.From, Type: EventCreated, To: StatusNew, Reason: "new mail " + in.MessageID}},
	}
	for _, n := range notes {
		dec.Events = append(dec.Events, Event{At: now, Actor: "postdesk", Type: EventNote, Reason: n})
	}
	for _, addr := range slices.Sorted(maps.Keys(in.Refused)) {
		if in.Refused[addr] == "" {
			continue
		}
		dec.Events = append(dec.Events, Event{At: now, Actor: "postdesk", Type: EventParticipant,
			Reason: "not added as participant: " + in.Refused[addr]})
	}
	if reason := NoAutoAnswer(d, in); reason != "" {
		dec.Events = append(dec.Events, Event{At: now, Actor: "postdesk", Type: EventNoticeQueued,
			Reason: "no acknowledgement: " + reason})
		return dec
	}
	dec.Acknowledge = true
	return dec
}

// AddReply records an inbound mail threaded onto ticket t as part of its
// conversation, without changing its state; CustomerReply builds on it and
// applies the desk's reply policy.
func AddReply(d Desk, t Ticket, in Inbound, now time.Time) Decision {
	t.UpdatedAt = now
	reason := "reply " + in.MessageID
	if in.Automated != "" {
		reason = automatedReason + " (" + in.Automated + ") " + in.MessageID
	}
	return Decision{
		Ticket: t,
		Events: []Event{{At: now, Actor: in.From, Type: EventMessageAdded, From: t.Status, To: t.Status, Reason: reason}},
	}
}

// automatedReason starts the history's reason for automated mail added to a
// ticket.
const automatedReason = "automated mail"

// NoAutoAnswer says why no automatic answer may go to the sender of in, or ""
// when one may. RFC 3834 section 2: never answer automated mail; and never
// answer ourselves, which would loop.
func NoAutoAnswer(d Desk, in Inbound) string {
	switch {
	case in.Automated != "":
		return "the mail is automated (" + in.Automated + ")"
	case in.NullSender:
		return "the mail has a null return path"
	case slices.ContainsFunc(in.XLoop, d.Ours):
		return "the mail carries our own X-Loop header"
	case in.From == "":
		return "the mail has no sender address"
	case d.Ours(in.From):
		return "the mail comes from the desk's own address"
	}
	return ""
}

// Copied are the people a new ticket's mail brings in besides its sender:
// its Cc: and its To: addresses other than the desk's own, lower case, each
// once, in that order. The participant policy applies to each of them
// (MayParticipate); those it admits become participants.
func Copied(d Desk, in Inbound) []string {
	out := []string{}
	seen := map[string]bool{strings.ToLower(in.From): true}
	for _, a := range slices.Concat(in.Cc, in.To) {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" || seen[a] || d.Ours(a) {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// participants are the copied people (Copied) the policy did not keep out.
func participants(d Desk, in Inbound) []string {
	return slices.DeleteFunc(Copied(d, in), func(a string) bool {
		_, refused := in.Refused[a]
		return refused
	})
}

// Ours reports whether addr is one of the desk's own addresses or a
// sub-address of one (IsDeskAddress).
func (d Desk) Ours(addr string) bool {
	return IsDeskAddress(d.Address, addr) || slices.ContainsFunc(d.Others, func(o string) bool { return IsDeskAddress(o, addr) })
}

// IsDeskAddress reports whether addr is desk or a sub-address of it
// ("support+x@domain" for "support@domain", RFC 5233). Both are compared
// without regard to case.
func IsDeskAddress(desk, addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	desk = strings.ToLower(desk)
	if addr == desk {
		return true
	}
	dl, dd, ok1 := strings.Cut(desk, "@")
	al, ad, ok2 := strings.Cut(addr, "@")
	if !ok1 || !ok2 || ad != dd {
		return false
	}
	base, _, _ := strings.Cut(al, "+")
	return base == dl
}
