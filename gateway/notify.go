package gateway

import (
	"fmt"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/threading"
	"postdesk/ticket"
)

// maxThreadReferences bounds the References we write: the root, then the
// newest ids of the recipient's thread (RFC 5322 section 3.6.4 lets us trim
// the middle).
const maxThreadReferences = 20

// notice is one mail to queue about a ticket: a template kind for one
// recipient, and what it says besides the ticket.
type notice struct {
	kind string // templates.Kind*
	to   ticket.Recipient
	// name is the recipient's name as their own mail gave it, used when
	// the desk knows none.
	name string
	// text is the content: an answer, a reply, a transcript; author wrote
	// it or made the change.
	text, author, reason string
	old                  ticket.Status // the state before, for a status notice
	// stranger marks a recipient who may not be on the ticket (a control
	// mail naming a ticket that is not theirs): the mail names nothing of
	// the ticket, not even in its subject.
	stranger bool
	// closeAt is when a resolved ticket closes by itself (a reminder).
	closeAt time.Time
	// opensAt is when a ticket that arrived outside office hours will be
	// taken up (an acknowledgement); urgent marks agents' notice of an
	// urgent ticket outside office hours.
	opensAt time.Time
	urgent  bool
}

// autoSubmitted is the Auto-Submitted value of each kind of notice (RFC
// 3834 section 5): an agent's answer is written by a person ("" sends no
// header); what answers a mail is auto-replied; what an event causes is
// auto-generated.
func autoSubmitted(kind string) string {
	switch kind {
	case templates.KindAnswer:
		return ""
	case templates.KindAck, templates.KindTranscript:
		return "auto-replied"
	}
	return "auto-generated"
}

// queueNotice renders n about ticket t in the recipient's language and
// writes it as an outbound message and an outbox row in tx. Nothing is sent
// here: the outbox worker sends after the commit. Automatic mail to an
// outside address past the loop limits, or to a suspended address, is not
// queued; the ticket says why. It reports whether a mail was queued.
func (p *Pipeline) queueNotice(tx *store.Tx, t ticket.Ticket, n notice, now time.Time) (bool, error) {
	if why, err := p.held(tx, t, n, now); err != nil || why != "" {
		if why != "" {
			p.deps.Log.Warn("notice held", "ref", t.Ref, "rcpt", n.to.Email, "kind", n.kind, "reason", why)
			err = tx.AddEvents(t.ID, 0, []ticket.Event{{At: now, Actor: "postdesk", Type: ticket.EventNoticeHeld,
				Reason: fmt.Sprintf("%s mail to %s not sent: %s", n.kind, n.to.Email, why)}})
		}
		return false, err
	}
	if n.kind == templates.KindResolved && p.cfg.SLA.AutoCloseDays > 0 && n.closeAt.IsZero() {
		n.closeAt = now.AddDate(0, 0, p.cfg.SLA.AutoCloseDays).In(p.cals.For(t).Location())
	}
	user, err := tx.User(n.to.Email)
	if err != nil {
		return false, err
	}
	lang, name := p.cfg.Desk.Language, n.name
	if user != nil {
		if user.Lang != "" {
			lang = user.Lang
		}
		if user.Name != "" {
			name = user.Name
		}
	}
	d := templates.Data{
		Ref: t.Ref, Summary: t.Summary, Client: t.Client, Severity: t.Severity, Priority: t.Priority,
		Department: t.Department, Requester: t.Requester, Assignee: t.Assignee, Status: string(t.Status),
		OldStatus: string(n.old), Resolution: string(t.Resolution), Escalated: t.Escalated != nil,
		RecipientName: name, Staff: n.to.Staff, DeskName: p.cfg.Desk.Name, DeskAddress: p.desk.Address,
		ReplyMarker: parser.ReplyMarker, Text: n.text, Author: n.author, Reason: n.reason,
		AutoCloseDays: p.cfg.SLA.AutoCloseDays, CloseAt: n.closeAt, OpensAt: n.opensAt, Urgent: n.urgent,
	}
	subject := p.cfg.Notify.SubjectOf(t)
	if n.stranger {
		d = templates.Data{RecipientName: name, DeskName: p.cfg.Desk.Name, DeskAddress: p.desk.Address,
			ReplyMarker: parser.ReplyMarker, Text: n.text}
		subject = "Your commands to " + p.cfg.Desk.Name
	}
	r, err := p.tmpl.Render(n.kind, lang, d)
	if err != nil {
		return false, fmt.Errorf("notice %s for %s: %w", n.kind, t.Ref, err)
	}
	thread, err := tx.ThreadOf(t.ID, n.to.Email, maxThreadReferences-1)
	if err != nil {
		return false, err
	}
	id, err := p.match.NewMessageID(t.Ref, now, p.deps.Rand)
	if err != nil {
		return false, err
	}
	row := ticket.Message{Direction: ticket.Out, MessageID: id, From: p.desk.Address, To: []string{n.to.Email},
		Subject: subject, Text: r.Text, HTML: r.HTML, CreatedAt: now}
	if err := tx.AddMessage(t.ID, 0, &row); err != nil {
		return false, err
	}
	inReplyTo, refs := threadHeaders(p.match.RootID(t.Ref), thread)
	_, err = tx.QueueMail(store.OutboxMail{
		TicketID: t.ID, MessageRow: row.ID, Kind: n.kind,
		EnvelopeFrom: p.cfg.BounceAddress(), RcptTo: n.to.Email,
		ReplyTo:       threading.ReplyAddress(p.desk.Address, p.cfg.Desk.SubaddressDelimiter, t.Ref, threading.ReplyToken(p.secret, t.Ref, n.to.Email)),
		InReplyTo:     inReplyTo,
		References:    refs,
		AutoSubmitted: autoSubmitted(n.kind),
		Lang:          lang,
		CreatedAt:     now,
	})
	return err == nil, err
}

// threadHeaders are the In-Reply-To and References of our next mail to a
// person whose thread of the ticket is thread (oldest first). In-Reply-To
// is the person's own last mail, else our last mail to them, else the
// ticket's root; References is the root, then the thread (RFC 5322 section
// 3.6.4), so that every mail of the ticket shares the root and clients that
// thread by References (Thunderbird, Gmail) or by In-Reply-To (Outlook)
// keep one conversation.
func threadHeaders(root string, thread []store.ThreadMail) (inReplyTo string, refs []string) {
	refs = []string{root}
	inReplyTo = root
	for _, m := range thread {
		if m.MessageID == root {
			continue
		}
		refs = append(refs, m.MessageID)
		if m.In {
			inReplyTo = m.MessageID
		}
	}
	if inReplyTo == root && len(refs) > 1 {
		inReplyTo = refs[len(refs)-1]
	}
	return inReplyTo, refs
}

// held says why n must not be sent, or "" when it may. Nothing goes to an
// address suspended after hard bounces. Mail that could feed a loop is
// bounded by token buckets (loop protection): automatic mail to an outside
// address per address and per address and ticket; an automatic answer to
// staff (a transcript: their autoresponder could answer it) per address
// and ticket, with ten times the per-address allowance; and agents'
// answers relayed to one address about one ticket, three times the
// per-ticket allowance (an agent's autoresponder and a customer's could
// otherwise ping-pong through the desk). Staff's notices of events
// (opened, reply, status, escalation) answer nobody and are not bounded.
func (p *Pipeline) held(tx *store.Tx, t ticket.Ticket, n notice, now time.Time) (string, error) {
	until, reason, suspended, err := tx.Suppressed(n.to.Email, now)
	if err != nil {
		return "", err
	}
	if suspended {
		return fmt.Sprintf("mail to this address is suspended until %s after hard bounces (%s)",
			until.Format(time.RFC3339), reason), nil
	}
	cfg := p.cfg.Notify
	perTicket := store.BucketSpec{Key: fmt.Sprintf("ticket:%d:%s", t.ID, n.to.Email), Size: cfg.PerTicketPerHour, Per: time.Hour}
	perAddress := store.BucketSpec{Key: "addr:" + n.to.Email, Size: cfg.PerAddressPerHour, Per: time.Hour}
	var specs []store.BucketSpec
	switch auto := autoSubmitted(n.kind); {
	case auto == "":
		specs = []store.BucketSpec{{Key: fmt.Sprintf("answer:%d:%s", t.ID, n.to.Email), Size: 3 * cfg.PerTicketPerHour, Per: time.Hour}}
	case !n.to.Staff:
		specs = []store.BucketSpec{perTicket, perAddress}
	case auto == "auto-replied":
		perAddress.Size *= 10
		specs = []store.BucketSpec{perTicket, perAddress}
	default:
		return "", nil
	}
	i, err := tx.TakeAutoMail(now, specs...)
	if err != nil || i < 0 {
		return "", err
	}
	what := map[string]string{"ticket": "about this ticket", "addr": "in all", "answer": "of agents' answers about this ticket"}
	kind, _, _ := strings.Cut(specs[i].Key, ":")
	return fmt.Sprintf("more than %d mails an hour to this address %s (loop protection)", specs[i].Size, what[kind]), nil
}
