package gateway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postdesk/store"
	"postdesk/ticket"
)

// effects are what a mail does besides its ticket decision: they are
// written after the message row, in the same transaction.
type effects struct {
	// internal marks the mail an agent's internal note.
	internal bool
	// answer is an agent's text to relay to the requester and participants.
	answer string
	// transcript is mailed back to the sender; "" for none.
	transcript string
	// linked are tickets the commands linked; they get the link back.
	linked []string
	// participants is true when the commands changed the participants.
	participants bool
	// escalations are the triggers of escalations at opening (atOpening),
	// whose rules say whom they tell; none for a customer's #escalate.
	escalations []string
	// opensAt is when a new ticket that arrived outside office hours will
	// be handled; onCall asks to tell the on-call agents of an urgent one.
	opensAt time.Time
	onCall  bool
}

// onTicket decides what a mail threaded onto the existing ticket t does:
// its commands (all or nothing, with a transcript), an agent's answer
// (relayed when the agent is proven), or a customer's reply by desk policy.
func (p *Pipeline) onTicket(tx *store.Tx, t ticket.Ticket, in ticket.Inbound, user *ticket.User, cm commandMail,
	now time.Time) (ticket.Decision, effects, error) {
	var eff effects
	sender := ticket.Sender{Email: in.From, User: user, Proof: cm.proofFor(t.Ref)}
	automated := in.Automated != "" || in.NullSender
	text := in.NewText
	if len(cm.block.Commands) > 0 && !automated {
		text = cm.block.Rest
		a, err := p.runCommands(tx, t, sender, cm.block.Commands, now)
		if err != nil {
			return ticket.Decision{}, eff, err
		}
		eff.transcript = p.transcriptText(tx, []ticket.Applied{a}, sender)
		if !a.OK {
			dec := ticket.AddReply(p.desk, t, in, now)
			dec.Events = append(dec.Events, ticket.Event{At: now, Actor: in.From, Type: ticket.EventCommands,
				Reason: "commands refused: " + firstRefusal(a.Results)})
			if sender.Staff() && text != "" {
				eff.transcript += "\nYour answer was not sent to the customer, since the commands were refused.\n"
			}
			return dec, eff, nil
		}
		dec := a.Decision
		dec.Events = append(ticket.AddReply(p.desk, t, in, now).Events, dec.Events...)
		eff.internal, eff.linked = a.Internal, a.Linked
		eff.participants = !slices.Equal(a.Ticket.Participants, t.Participants)
		if !sender.Staff() && text != "" && dec.Ticket.Status == ticket.StatusWaitingCustomer {
			dec.Events = append(dec.Events, ticket.Event{At: now, Actor: in.From, Type: ticket.EventStatus,
				From: dec.Ticket.Status, To: ticket.StatusInProgress, Reason: "answer received"})
			dec.Ticket.Status = ticket.StatusInProgress
		}
		if sender.Staff() && !eff.internal && text != "" {
			eff.answer = text
		}
		return dec, eff, nil
	}
	if user != nil && sender.Staff() && !automated {
		dec := ticket.AddReply(p.desk, t, in, now)
		switch {
		case text == "":
		case sender.Proof == ticket.ProofNone:
			dec.Events = append(dec.Events, ticket.Event{At: now, Actor: in.From, Type: ticket.EventNote,
				Reason: "agent's answer not sent to the customer: the sender is not proven"})
			eff.transcript = "refused: your answer was not sent to the customer. " + ticket.ProofHelp + "\n"
		default:
			eff.answer = text
		}
		return dec, eff, nil
	}
	return ticket.CustomerReply(p.desk, t, in, now), eff, nil
}

// commandsOnNew applies the commands of a mail that opened a new ticket
// (its sender is the requester), all or nothing like any other.
func (p *Pipeline) commandsOnNew(tx *store.Tx, dec ticket.Decision, in ticket.Inbound, user *ticket.User,
	cm commandMail, now time.Time) (ticket.Decision, effects, error) {
	var eff effects
	if len(cm.block.Commands) == 0 || in.Automated != "" || in.NullSender {
		return dec, eff, nil
	}
	s := ticket.Sender{Email: in.From, User: user, Proof: cm.proofFor(dec.Ticket.Ref)}
	a, err := p.runCommands(tx, dec.Ticket, s, cm.block.Commands, now)
	if err != nil {
		return dec, eff, err
	}
	eff.transcript = p.transcriptText(tx, []ticket.Applied{a}, s)
	if !a.OK {
		dec.Events = append(dec.Events, ticket.Event{At: now, Actor: in.From, Type: ticket.EventCommands,
			Reason: "commands refused: " + firstRefusal(a.Results)})
		return dec, eff, nil
	}
	eff.internal, eff.linked = a.Internal, a.Linked
	eff.participants = !slices.Equal(a.Ticket.Participants, dec.Ticket.Participants)
	dec.Ticket = a.Ticket
	dec.Events = append(dec.Events, a.Events...)
	return dec, eff, tx.UpdateTicket(dec.Ticket)
}

// runCommands looks up what the commands name and applies them to t.
func (p *Pipeline) runCommands(tx *store.Tx, t ticket.Ticket, s ticket.Sender, cmds []ticket.Command,
	now time.Time) (ticket.Applied, error) {
	f := ticket.Facts{Users: map[string]*ticket.User{}, Tickets: map[string]ticket.Ticket{}, Participants: p.cfg.Desk.Participants}
	var err error
	if f.Org, err = p.requesterOrg(tx, t.Requester); err != nil {
		return ticket.Applied{}, err
	}
	for _, c := range cmds {
		switch c.Cmd {
		case ticket.CmdAssign, ticket.CmdShare, ticket.CmdUnshare, ticket.CmdParticipant:
			fields := strings.Fields(c.Args)
			if len(fields) == 0 {
				continue
			}
			addr := strings.ToLower(strings.Trim(fields[len(fields)-1], "<>"))
			if f.Users[addr], err = tx.User(addr); err != nil {
				return ticket.Applied{}, err
			}
		case ticket.CmdLink, ticket.CmdMerge:
			ref := strings.ToUpper(strings.TrimSpace(c.Args))
			n, perr := p.match.ParseRef(ref)
			if perr != nil {
				continue
			}
			exists, err := tx.ExistingNumbers(p.cfg.Desk.Prefix, []int64{n})
			if err != nil {
				return ticket.Applied{}, err
			}
			if exists[n] {
				if f.Tickets[ref], err = tx.Ticket(p.cfg.Desk.Prefix, n); err != nil {
					return ticket.Applied{}, err
				}
			}
		}
	}
	return ticket.ApplyCommands(p.desk, t, s, cmds, f, p.words, now), nil
}

// writeEffects writes what the commands changed beyond the ticket row: the
// participants, and the links, on both sides.
func (p *Pipeline) writeEffects(tx *store.Tx, t ticket.Ticket, eff effects, actor string, now time.Time) error {
	if eff.participants {
		if err := tx.SetParticipants(t.ID, t.Participants, now); err != nil {
			return err
		}
	}
	for _, ref := range eff.linked {
		if err := tx.Link(t.ID, ref, now); err != nil {
			return err
		}
		n, err := p.match.ParseRef(ref)
		if err != nil {
			return err
		}
		other, err := tx.Ticket(p.cfg.Desk.Prefix, n)
		if err != nil {
			return err
		}
		if err := linkBack(tx, other, t.Ref, actor, now, "linked by "+t.Ref); err != nil {
			return err
		}
	}
	return nil
}

// maxListed bounds each list of a #list transcript.
const maxListed = 50

// transcriptText is the debbugs-style transcript of a mail's commands: each
// line as written with what became of it, whether anything was applied,
// and the resulting state of each ticket (only for a proven sender allowed
// on it: a stranger learns nothing of a ticket).
func (p *Pipeline) transcriptText(tx *store.Tx, runs []ticket.Applied, s ticket.Sender) string {
	var b strings.Builder
	ok, list := allOK(runs), false
	for _, a := range runs {
		list = list || a.List
		for _, r := range a.Results {
			if r.Line != "" {
				fmt.Fprintf(&b, "> %s\n", r.Line)
			}
			switch {
			case r.Done && ok:
				fmt.Fprintf(&b, "done: %s\n\n", r.Text)
			case r.Done:
				b.WriteString("not applied\n\n")
			default:
				fmt.Fprintf(&b, "%s\n\n", r.Text)
			}
		}
	}
	if !ok {
		b.WriteString("Nothing of this mail's commands was applied: a mail's commands apply all together or not at all.\n")
		return b.String()
	}
	b.WriteString("All commands were applied.\n")
	for _, a := range runs {
		fmt.Fprintf(&b, "%s is now %s.\n", a.Ticket.Ref, ticket.Describe(a.Ticket))
	}
	if list {
		opened, partOf, err := tx.TicketsOf(p.cfg.Desk.Prefix, s.Email, maxListed)
		if err != nil {
			b.WriteString("\nYour tickets could not be listed just now; please send #list again later.\n")
			p.deps.Log.Warn("list tickets", "email", s.Email, "err", err)
			return b.String()
		}
		writeList(&b, "Tickets you opened", opened)
		writeList(&b, "Tickets you take part in", partOf)
	}
	return b.String()
}

// writeList writes one list of a #list transcript, newest ticket first.
func writeList(b *strings.Builder, title string, list []ticket.Ticket) {
	fmt.Fprintf(b, "\n%s (%d):\n", title, len(list))
	if len(list) == 0 {
		b.WriteString("  none\n")
	}
	for _, t := range list {
		fmt.Fprintf(b, "  %-10s %-16s %s\n", t.Ref, t.Status, t.Summary)
	}
}

func firstRefusal(results []ticket.Result) string {
	for _, r := range results {
		if !r.Done && r.Text != "not applied" {
			return strings.TrimPrefix(r.Text, "refused: ")
		}
	}
	return "refused"
}
