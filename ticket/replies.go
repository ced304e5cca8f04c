package ticket

import (
	"strings"
	"time"
	"unicode"
)

// ReopenPolicy says what a customer's answer to a closed ticket does.
type ReopenPolicy struct {
	// Mode is ReopenTicket (OCS, SERA: the answer reopens it) or NewLinked
	// (SEKO, Replica: closed tickets are not reopened; the answer opens a
	// new ticket linked to the old one).
	Mode string
	// WindowDays, when above 0, is how long after closing a reopening desk
	// still reopens; later answers open a new linked ticket.
	WindowDays int
}

// Reopen modes.
const (
	ReopenTicket = "reopen"
	NewLinked    = "new_ticket"
)

// Reopens reports whether the desk ever reopens closed tickets.
func (p ReopenPolicy) Reopens() bool { return p.Mode == ReopenTicket }

// Intents are the first words of a customer's new text that say what the
// customer wants, per intent, in every language the desk speaks. They are
// compared without regard to case and punctuation.
type Intents struct {
	// Confirm closes: the problem is solved (SEKO "resolved", SEMCO
	// "Nachtest war erfolgreich").
	Confirm []string
	// Failed sends a resolved ticket back to the agent (SEMCO "Nachtest
	// nicht erfolgreich").
	Failed []string
}

// DefaultIntents are the words of the four seed languages.
var DefaultIntents = Intents{
	Confirm: []string{"resolved", "solved", "fixed", "it works", "works now", "you can close", "please close",
		"retest passed", "retest successful", "confirmed",
		"erledigt", "gelöst", "behoben", "nachtest war erfolgreich", "nachtest erfolgreich", "funktioniert wieder",
		"kann geschlossen werden", "risolto", "funziona", "potete chiudere", "opgelost", "het werkt", "mag gesloten worden"},
	Failed: []string{"retest failed", "not resolved", "not fixed", "still failing", "still not working", "does not work",
		"doesn't work", "nachtest nicht erfolgreich", "nachtest war nicht erfolgreich", "nicht erfolgreich",
		"nicht behoben", "funktioniert nicht", "non risolto", "non funziona", "niet opgelost", "werkt niet"},
}

// intent returns "confirm", "failed" or "" for a customer's new text.
func (in Intents) intent(newText string) string {
	line := firstLine(newText)
	for _, p := range in.Failed {
		if hasPhrasePrefix(line, p) {
			return "failed"
		}
	}
	for _, p := range in.Confirm {
		if hasPhrasePrefix(line, p) {
			return "confirm"
		}
	}
	return ""
}

// firstLine is the first non-blank line, lower case, punctuation as space.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			return normPhrase(l)
		}
	}
	return ""
}

func normPhrase(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// hasPhrasePrefix reports whether line starts with phrase as whole words
// ("resolved, thanks" yes; "resolvedness" no). Greetings before it count:
// "hi, resolved" is read from the phrase on, within the first four words.
func hasPhrasePrefix(line, phrase string) bool {
	phrase = normPhrase(phrase)
	words := strings.Fields(line)
	for skip := 0; skip <= 3 && skip < len(words); skip++ {
		rest := strings.Join(words[skip:], " ")
		if rest == phrase || strings.HasPrefix(rest, phrase+" ") {
			return true
		}
		if skip == 0 && !isGreeting(words[0]) {
			return false
		}
	}
	return false
}

func isGreeting(w string) bool {
	switch w {
	case "hi", "hello", "hallo", "dear", "ciao", "salve", "beste", "goedemorgen", "moin", "ok", "okay", "thanks", "danke":
		return true
	}
	return false
}

// CustomerReply decides what a customer's mail threaded onto t does, by desk
// policy:
//   - automated mail (auto-replies, bounces) changes nothing;
//   - an answer to a ticket waiting for the customer sends it back to work;
//   - "resolved" (or the desk's words for it) on an open or resolved
//     ticket closes it, confirmed by the customer;
//   - "retest failed" on a resolved ticket, or any other answer to it,
//     sends it back to the agent;
//   - an answer to a closed ticket reopens it, or — when the desk does not
//     reopen, or the window has passed — asks for a new ticket linked to it
//     (Decision.OpenLinked);
//   - an answer to a cancelled ticket opens a new linked ticket.
func CustomerReply(d Desk, t Ticket, in Inbound, now time.Time) Decision {
	dec := AddReply(d, t, in, now)
	if in.Automated != "" || in.NullSender {
		return dec
	}
	nt := &dec.Ticket
	to, reason := Status(""), ""
	switch intent := d.Intents.intent(in.NewText); {
	case nt.Status == StatusClosed || nt.Status == StatusCancelled:
		if nt.Status == StatusClosed && d.Reopen.Reopens() && d.Reopen.withinWindow(t.UpdatedAt, now) {
			to, reason = StatusInProgress, "reopened by the customer's answer"
			break
		}
		// The closed ticket stays as it was; the caller opens the new one
		// (OpenLinked) and records the link on both.
		return Decision{Ticket: t, OpenLinked: true}
	case intent == "confirm" && (IsOpen(nt.Status) || nt.Status == StatusResolved):
		to, reason = StatusClosed, "the customer confirms it is resolved"
		nt.Resolution = ResolutionConfirmedByCustomer
	case nt.Status == StatusResolved && intent == "failed":
		to, reason = StatusInProgress, "the customer's retest failed"
	case nt.Status == StatusResolved:
		to, reason = StatusInProgress, "the customer answered the resolution"
	case nt.Status == StatusWaitingCustomer:
		to, reason = StatusInProgress, "answer received"
	default:
		return dec
	}
	if to != StatusClosed {
		nt.Resolution = ""
	}
	dec.Events = append(dec.Events, Event{At: now, Actor: in.From, Type: EventStatus, From: nt.Status, To: to, Reason: reason})
	nt.Status = to
	return dec
}

// withinWindow reports whether now is within the reopen window after closed
// (a closed ticket's last update is its closing, or a later note).
func (p ReopenPolicy) withinWindow(closed, now time.Time) bool {
	return p.WindowDays <= 0 || closed.IsZero() || now.Sub(closed) <= time.Duration(p.WindowDays)*24*time.Hour
}

// OpenLinked builds the new ticket that an answer to a closed ticket opens
// when the desk does not reopen: it quotes the old reference in its summary
// and links to it.
func OpenLinked(d Desk, old Ticket, in Inbound, now time.Time) Decision {
	dec := Open(d, in, now)
	dec.Ticket.Linked = []string{old.Ref}
	if !strings.Contains(dec.Ticket.Summary, old.Ref) {
		dec.Ticket.Summary += " (follows " + old.Ref + ")"
	}
	if in.Severity == 0 && old.Severity != 0 {
		dec.Ticket.Severity = old.Severity
	}
	if dec.Ticket.Client == "" {
		dec.Ticket.Client = old.Client
	}
	dec.Events = append(dec.Events, Event{At: now, Actor: in.From, Type: EventLinked,
		Reason: "follows " + string(old.Status) + " ticket " + old.Ref})
	return dec
}
