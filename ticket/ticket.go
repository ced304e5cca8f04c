// Package ticket holds postdesk's domain types and the pure rules that decide
// what an inbound mail does to a ticket. It does no I/O: values in, values out.
package ticket

import (
	"fmt"
	"time"
)

// Status is the lifecycle state of a ticket. The values are stored in the
// database and appear in JSON, so they never change once released.
type Status string

// The lifecycle states; lifecycle.go holds the transitions between them.
const (
	StatusNew             Status = "new"
	StatusAssigned        Status = "assigned"
	StatusInProgress      Status = "in_progress"
	StatusWaitingCustomer Status = "waiting_customer"
	StatusDevRequest      Status = "dev_request"
	StatusResolved        Status = "resolved"
	StatusClosed          Status = "closed"
	StatusCancelled       Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusNew, StatusAssigned, StatusInProgress, StatusWaitingCustomer,
	StatusDevRequest, StatusResolved, StatusClosed, StatusCancelled,
}

// ParseStatus returns the Status named s, or an error naming the accepted values.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (accepted: %v)", s, Statuses)
}

// Direction tells whether a message came in to the desk or went out from it.
type Direction string

// Message directions.
const (
	In  Direction = "in"
	Out Direction = "out"
)

// Ticket is one support case. Its JSON form is a contract read by other tools:
// keys are only ever added, never renamed or removed.
type Ticket struct {
	ID           int64             `json:"-"`
	Number       int64             `json:"-"`
	Ref          string            `json:"ref"`
	Subject      string            `json:"subject"`
	Summary      string            `json:"summary"`
	Client       string            `json:"client"`
	Severity     int               `json:"severity"`
	Priority     string            `json:"priority"`
	Status       Status            `json:"status"`
	Requester    string            `json:"requester"`
	Participants []string          `json:"participants"`
	Fields       map[string]string `json:"fields"`
	Assignee     string            `json:"assignee"`
	Resolution   Resolution        `json:"resolution"`
	// Escalated is when the ticket was escalated, nil when it is not.
	Escalated        *time.Time `json:"escalated"`
	EscalationReason string     `json:"escalation_reason,omitempty"`
	// Linked lists the references of tickets this one is linked to.
	Linked     []string  `json:"linked"`
	Department string    `json:"department"`
	Category   string    `json:"category"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// ClosedAt is when the ticket was last closed (its last status event
	// to closed), zero when it never was; the reopen window counts from it.
	// The store derives it from the history; it is not part of the JSON.
	ClosedAt time.Time `json:"-"`
	// DueAt is when the ticket's resolution target falls due, null without
	// a target, while the clock is paused, or once the ticket is done; SLA
	// says where it stands. Both are computed when the ticket is shown.
	DueAt *time.Time `json:"due_at"`
	SLA   *SLAView   `json:"sla,omitempty"`
	// Messages are the ticket's mails (show); `tickets --json` lists the
	// tickets without them, as [].
	Messages []Message `json:"messages"`
	Events   []Event   `json:"events"`
}

// Message is one mail on a ticket, inbound or outbound.
type Message struct {
	ID        int64     `json:"-"`
	Direction Direction `json:"direction"`
	MessageID string    `json:"message_id"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	Cc        []string  `json:"cc"`
	Subject   string    `json:"subject"`
	Text      string    `json:"text"`
	// NewText is what the sender wrote above the quote (inbound mail).
	NewText     string       `json:"new_text"`
	HTML        string       `json:"-"`
	Attachments []Attachment `json:"attachments"`
	Problems    []string     `json:"problems,omitempty"`
	// Forwarded are the mails of a forwarded trail, oldest last as they
	// stood; the sender of the message stays the one who forwarded them.
	Forwarded []ForwardedMail `json:"forwarded,omitempty"`
	// Internal marks an agent's internal note (#note): kept on the
	// ticket, never mailed to the customer.
	Internal  bool      `json:"internal"`
	CreatedAt time.Time `json:"created_at"`
}

// ForwardedMail is one mail of a forwarded trail.
type ForwardedMail struct {
	From    string `json:"from"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Attachment describes one file carried by a message; the bytes stay in the store.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline,omitempty"`
	Content     []byte `json:"-"`
}

// EventType names what happened to a ticket.
type EventType string

// Event types recorded in a ticket's history.
const (
	EventCreated      EventType = "created"
	EventMessageAdded EventType = "message_added"
	EventNoticeQueued EventType = "notice_queued"
	EventNoticeHeld   EventType = "notice_held" // a notification not sent, and why
	EventStatus       EventType = "status"
	EventAssigned     EventType = "assigned"
	EventResolution   EventType = "resolution"
	EventNote         EventType = "note"
	EventLinked       EventType = "linked"
	EventParticipant  EventType = "participant"
	EventChanged      EventType = "changed"   // severity, priority, category or department
	EventEscalated    EventType = "escalated" // with the reason
	EventCommands     EventType = "commands"  // a mail's commands, refused: why
)

// Event is one line of a ticket's history: who did what, when and why. In
// JSON every key is always present; from, to, reason and message_id are ""
// when they do not apply.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Type   EventType `json:"type"`
	From   Status    `json:"from"`
	To     Status    `json:"to"`
	Reason string    `json:"reason"`
	// MessageID is the Message-ID (without angle brackets) of the mail that
	// caused the event; "" for an operator's change or a timer. It is read
	// back from the store, not written from here.
	MessageID string `json:"message_id"`
}

// FormatRef renders a reference number such as "TKT-12" (prefix, hyphen, number).
func FormatRef(prefix string, number int64) string {
	return fmt.Sprintf("%s-%d", prefix, number)
}
