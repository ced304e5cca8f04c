package gateway

import (
	"fmt"
	"slices"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/threading"
	"postdesk/ticket"
)

// maxThreadReferences bounds the References we write: the root, then the
// newest ids of the thread (RFC 5322 section 3.6.4 lets us trim the middle).
const maxThreadReferences = 20

// noticeText is what a notice says besides the ticket: an agent's answer,
// a transcript, an escalation's reason.
type noticeText struct {
	Text, Author, Reason string
}

// autoSubmitted is the Auto-Submitted value of each kind of notice (RFC
// 3834 section 5): an agent's answer is written by a person ("" sends no
// header); the others are the desk's automatic mail.
func autoSubmitted(kind ticket.NoticeKind) string {
	switch kind {
	case ticket.NoticeAnswer:
		return ""
	case ticket.NoticeEscalation:
		return "auto-generated"
	}
	return "auto-replied"
}

// queueNotice renders notice n about ticket t, answering mail msg, and
// writes it as an outbound message and an outbox row in tx. Nothing is sent
// here: the outbox worker sends after the commit. An agent's answer does not
// answer the agent's own mail, which its recipients never saw: it threads
// under the ticket's root only.
func (p *Pipeline) queueNotice(tx *store.Tx, t ticket.Ticket, msg *parser.Message, n ticket.Notice,
	extra noticeText, now time.Time) error {
	name := ""
	if msg.From != nil && msg.From.Addr == n.To {
		name = msg.From.Name
	}
	r, err := p.tmpl.Render(string(n.Kind), p.cfg.Desk.Language, templates.Data{
		Ref: t.Ref, Summary: t.Summary, Client: t.Client, Severity: t.Severity, Priority: t.Priority,
		RecipientName: name, DeskName: p.cfg.Desk.Name, DeskAddress: p.desk.Address, ReplyMarker: parser.ReplyMarker,
		Text: extra.Text, Author: extra.Author, Reason: extra.Reason, Status: ticket.Describe(t), Requester: t.Requester,
	})
	if err != nil {
		return fmt.Errorf("notice %s for %s: %w", n.Kind, t.Ref, err)
	}
	id, err := p.match.NewMessageID(t.Ref, now, p.deps.Rand)
	if err != nil {
		return err
	}
	row := ticket.Message{Direction: ticket.Out, MessageID: id, From: p.desk.Address, To: []string{n.To},
		Subject: r.Subject, Text: r.Text, HTML: r.HTML, CreatedAt: now}
	if err := tx.AddMessage(t.ID, 0, &row); err != nil {
		return err
	}
	inReplyTo, refs := msg.MessageID, threadReferences(p.match.RootID(t.Ref), msg)
	if n.Kind == ticket.NoticeAnswer || n.Kind == ticket.NoticeEscalation {
		inReplyTo, refs = "", []string{p.match.RootID(t.Ref)}
	}
	_, err = tx.QueueMail(store.OutboxMail{
		TicketID: t.ID, MessageRow: row.ID, Kind: string(n.Kind),
		EnvelopeFrom: p.desk.Address, RcptTo: n.To,
		ReplyTo:       threading.ReplyAddress(p.desk.Address, p.cfg.Desk.SubaddressDelimiter, t.Ref, threading.ReplyToken(p.secret, t.Ref, n.To)),
		InReplyTo:     inReplyTo,
		References:    refs,
		AutoSubmitted: autoSubmitted(n.Kind),
		CreatedAt:     now,
	})
	return err
}

// threadReferences is what a reply to msg carries in References (RFC 5322
// section 3.6.4: the parent's References, then the parent's Message-ID),
// with the ticket's root id first so that every mail of the ticket shares it.
func threadReferences(root string, msg *parser.Message) []string {
	refs := []string{root}
	chain := append(slices.Clone(msg.References), msg.MessageID)
	if len(chain) > maxThreadReferences-1 {
		chain = chain[len(chain)-(maxThreadReferences-1):]
	}
	for _, id := range chain {
		if id != "" && !slices.Contains(refs, id) {
			refs = append(refs, id)
		}
	}
	return refs
}
