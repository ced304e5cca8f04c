package gateway

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/ticket"
)

// mailFacts are what the notification matrix needs to know of the mail
// that caused a decision.
type mailFacts struct {
	in   ticket.Inbound
	name string // the sender's display name
	// author names the sender in mail to others: the desk's name for
	// them, else their display name, else their address.
	author string
	// staff is true when the sender is an agent or manager.
	staff bool
	// said is the mail's own new text without its command lines.
	said string
}

func factsOf(msg *parser.Message, in ticket.Inbound, user *ticket.User, cm commandMail) mailFacts {
	f := mailFacts{in: in, staff: ticket.Sender{Email: in.From, User: user}.Staff(), said: in.NewText}
	if msg.From != nil {
		f.name = msg.From.Name
	}
	f.author = cmp.Or(f.name, in.From)
	if user != nil && user.Name != "" {
		f.author = user.Name
	}
	if len(cm.block.Commands) > 0 {
		f.said = cm.block.Rest
	}
	return f
}

// queueAll queues the mail a decision asks for under the desk's
// notification matrix: the acknowledgement of a new ticket and the agents'
// notice of it, a customer's reply to the ticket's queue, an agent's answer,
// the change of state, the escalation, and the transcript of the mail's
// commands. Nothing answers automated mail (RFC 3834 section 2).
func (p *Pipeline) queueAll(tx *store.Tx, created bool, dec ticket.Decision, eff effects, f mailFacts,
	now time.Time, queued *bool) error {
	t := dec.Ticket
	people, err := p.people(tx, t)
	if err != nil {
		return err
	}
	m := p.cfg.Notify.Matrix()
	automated := ticket.NoAutoAnswer(p.desk, f.in) != ""
	var list []notice
	switch {
	case created:
		acked := dec.Acknowledge
		told := map[string]bool{}
		for _, r := range m.Recipients(ticket.NotifyOpened, people, p.desk) {
			switch {
			case r.Staff:
				urgent := eff.onCall && slices.Contains(p.cfg.OfficeHours.OnCall, r.Email)
				list = append(list, notice{kind: templates.KindOpened, to: r, text: f.said, author: f.author, urgent: urgent})
				told[r.Email] = true
			case acked:
				list = append(list, notice{kind: templates.KindAck, to: r, name: nameIf(r, f), opensAt: eff.opensAt})
			}
		}
		if eff.onCall {
			for _, a := range p.cfg.OfficeHours.OnCall {
				if a = strings.ToLower(a); !told[a] {
					list = append(list, notice{kind: templates.KindOpened, to: ticket.Recipient{Email: a, Staff: true},
						text: f.said, author: f.author, urgent: true})
				}
			}
		}
	case !f.staff && !automated && strings.TrimSpace(f.said) != "":
		for _, r := range m.Recipients(ticket.NotifyReply, people, p.desk, f.in.From) {
			list = append(list, notice{kind: templates.KindReply, to: r, text: f.said, author: f.author})
		}
	}
	answered := map[string]bool{}
	if eff.answer != "" {
		for _, r := range m.Recipients(ticket.NotifyAnswer, people, p.desk, f.in.From) {
			list = append(list, notice{kind: templates.KindAnswer, to: r, text: eff.answer, author: f.author})
			answered[r.Email] = true
		}
	}
	if !created {
		// Who made a change knows it (a transcript tells the details).
		list = append(list, changeNotices(m, people, p.desk, dec, answered, f.in.From)...)
	} else if ch := ticket.ChangesOf(dec.Events); ch.Escalated {
		em := m
		if len(eff.escalations) > 0 {
			em = p.cfg.escalationMatrix(eff.escalations)
		}
		list = append(list, escalationNotices(em, people, p.desk, ch, f.in.From)...)
	}
	if eff.transcript != "" && !automated {
		list = append(list, notice{kind: templates.KindTranscript, to: ticket.Recipient{Email: f.in.From, Staff: f.staff},
			name: f.name, text: eff.transcript})
	}
	return p.queueList(tx, t, list, now, queued)
}

// queueChanges queues what a decision made outside a customer's mail (a
// control mail, `postdesk set`) tells under the matrix: its change of state
// and escalation, never to skip.
func (p *Pipeline) queueChanges(tx *store.Tx, dec ticket.Decision, now time.Time, queued *bool, skip ...string) error {
	people, err := p.people(tx, dec.Ticket)
	if err != nil {
		return err
	}
	return p.queueList(tx, dec.Ticket, changeNotices(p.cfg.Notify.Matrix(), people, p.desk, dec, nil, skip...),
		now, queued)
}

// queueList queues each notice of list about t.
func (p *Pipeline) queueList(tx *store.Tx, t ticket.Ticket, list []notice, now time.Time, queued *bool) error {
	for _, n := range list {
		ok, err := p.queueNotice(tx, t, n, now)
		if err != nil {
			return err
		}
		*queued = *queued || ok
	}
	return nil
}

// nameIf is the sender's display name when r is the sender.
func nameIf(r ticket.Recipient, f mailFacts) string {
	if strings.EqualFold(r.Email, f.in.From) {
		return f.name
	}
	return ""
}

// changeNotices tell a decision's change of state (the status or resolved
// row; recipients of an answer read the new state in it) and its escalation
// (the escalated row), never to skip.
func changeNotices(m ticket.Matrix, people ticket.People, desk ticket.Desk, dec ticket.Decision,
	answered map[string]bool, skip ...string) []notice {
	ch := ticket.ChangesOf(dec.Events)
	var list []notice
	if ch.Changed() {
		kind := templates.KindStatus
		if ch.To == ticket.StatusResolved {
			kind = templates.KindResolved
		}
		for _, r := range m.Recipients(ticket.StateEvent(ch.To), people, desk, skip...) {
			if !answered[r.Email] {
				list = append(list, notice{kind: kind, to: r, old: ch.From, author: ch.Actor, reason: ch.Reason})
			}
		}
	}
	if ch.Escalated {
		list = append(list, escalationNotices(m, people, desk, ch, skip...)...)
	}
	return list
}

// escalationNotices tell an escalation, with its reason, under the matrix.
func escalationNotices(m ticket.Matrix, people ticket.People, desk ticket.Desk, ch ticket.Changes, skip ...string) []notice {
	var list []notice
	for _, r := range m.Recipients(ticket.NotifyEscalated, people, desk, skip...) {
		list = append(list, notice{kind: templates.KindEscalation, to: r, author: ch.EscalatedBy, reason: ch.EscalationReason})
	}
	return list
}

// people looks up who each audience of the matrix is for ticket t.
func (p *Pipeline) people(tx *store.Tx, t ticket.Ticket) (ticket.People, error) {
	pp := ticket.People{Requester: t.Requester, Participants: t.Participants, Assignee: t.Assignee}
	agents, err := tx.Agents()
	if err != nil {
		return pp, err
	}
	for _, a := range agents {
		pp.Agents = append(pp.Agents, a.Email)
		if t.Department != "" && strings.EqualFold(a.Department, t.Department) {
			pp.Department = append(pp.Department, a.Email)
		}
	}
	if len(pp.Department) == 0 {
		pp.Department = pp.Agents
	}
	org, err := p.requesterOrg(tx, t.Requester)
	if err != nil {
		return pp, err
	}
	if org != nil {
		pp.AccountManager = org.Manager
	}
	return pp, nil
}
