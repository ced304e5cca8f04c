package ticket

import "strings"

// NotifyEvent names a row of the notification matrix: something that
// happened to a ticket and may be told by mail.
type NotifyEvent string

// The events of the notification matrix.
const (
	NotifyOpened    NotifyEvent = "opened"    // a new ticket
	NotifyReply     NotifyEvent = "reply"     // a customer's reply on a ticket
	NotifyAnswer    NotifyEvent = "answer"    // an agent's answer
	NotifyStatus    NotifyEvent = "status"    // a change of state other than to resolved
	NotifyResolved  NotifyEvent = "resolved"  // the ticket was resolved
	NotifyEscalated NotifyEvent = "escalated" // the ticket was escalated
)

// Audience names a group of people an event may tell.
type Audience string

// The audiences of the notification matrix.
const (
	AudienceRequester      Audience = "requester"
	AudienceParticipants   Audience = "participants"
	AudienceAssignee       Audience = "assignee"
	AudienceDepartment     Audience = "department" // the agents of the ticket's department (all agents when none)
	AudienceQueue          Audience = "queue"      // the assignee, or the department's agents while unassigned
	AudienceAgents         Audience = "agents"     // every agent
	AudienceAccountManager Audience = "account_manager"
)

// Audiences lists every audience, in the order the documentation gives.
var Audiences = []Audience{AudienceRequester, AudienceParticipants, AudienceAssignee, AudienceDepartment,
	AudienceQueue, AudienceAgents, AudienceAccountManager}

// Matrix says which audiences each event tells; an event that is missing
// or has an empty list tells nobody.
type Matrix map[NotifyEvent][]Audience

// People are the addresses behind each audience for one ticket, as the
// gateway looked them up. Addresses are lower case.
type People struct {
	Requester    string
	Participants []string
	Assignee     string
	// Department are the agents of the ticket's department; all agents
	// when the ticket has no department or it has no agent.
	Department []string
	Agents     []string
	// AccountManager is the manager of the requester's organisation.
	AccountManager string
}

// Recipient is one address an event tells, and whether it is staff (an
// agent or manager), which decides the template and the language rules.
type Recipient struct {
	Email string
	Staff bool
}

// Recipients are the addresses event tells about a ticket under matrix m:
// each once, in the order of the event's audiences, without the desk's own
// addresses (d.Ours) and without skip (the person who caused the event and
// knows it already). The requester and participants are not staff; the
// others are.
func (m Matrix) Recipients(ev NotifyEvent, p People, d Desk, skip ...string) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	for _, s := range skip {
		seen[strings.ToLower(s)] = true
	}
	add := func(staff bool, addrs ...string) {
		for _, a := range addrs {
			a = strings.ToLower(strings.TrimSpace(a))
			if a == "" || seen[a] || d.Ours(a) {
				continue
			}
			seen[a] = true
			out = append(out, Recipient{Email: a, Staff: staff})
		}
	}
	for _, a := range m[ev] {
		switch a {
		case AudienceRequester:
			add(false, p.Requester)
		case AudienceParticipants:
			add(false, p.Participants...)
		case AudienceAssignee:
			add(true, p.Assignee)
		case AudienceDepartment:
			add(true, p.Department...)
		case AudienceQueue:
			if p.Assignee != "" {
				add(true, p.Assignee)
			} else {
				add(true, p.Department...)
			}
		case AudienceAgents:
			add(true, p.Agents...)
		case AudienceAccountManager:
			add(true, p.AccountManager)
		}
	}
	return out
}

// Changes are what one decision did that the matrix may tell: the state
// changes (in order) and whether the ticket was escalated.
type Changes struct {
	// From and To are the state before the first and after the last
	// change; equal when the state did not change.
	From, To Status
	// Actor made the last change.
	Actor string
	// Reason is the last change's reason.
	Reason    string
	Escalated bool
	// EscalationReason and EscalatedBy are the last escalation's reason
	// and actor.
	EscalationReason, EscalatedBy string
}

// ChangesOf reads what events tell: the first state before and the last
// state after every status event, and whether one escalated the ticket.
func ChangesOf(events []Event) Changes {
	var c Changes
	first := true
	for _, e := range events {
		if e.Type == EventEscalated {
			c.Escalated, c.EscalationReason, c.EscalatedBy = true, e.Reason, e.Actor
		}
		if e.From == "" || e.To == "" || e.From == e.To {
			continue
		}
		if first {
			c.From, first = e.From, false
		}
		c.To, c.Actor, c.Reason = e.To, e.Actor, e.Reason
	}
	if first {
		return Changes{Escalated: c.Escalated, EscalationReason: c.EscalationReason, EscalatedBy: c.EscalatedBy}
	}
	return c
}

// Changed reports whether the state changed.
func (c Changes) Changed() bool { return c.From != c.To }

// StateEvent is the matrix row that tells a change to state to: resolved
// has its own row, every other state the status row.
func StateEvent(to Status) NotifyEvent {
	if to == StatusResolved {
		return NotifyResolved
	}
	return NotifyStatus
}
