package gateway

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/templates"
	"postdesk/ticket"
)

// applyControl handles a mail to the control address, debbugs style: lines
// of commands for several tickets, each group opened by "#ticket REF", up to
// "#thanks". Every command of the mail applies, or none does; the sender
// gets one transcript. A mail that selects no existing ticket is refused
// at SMTP time with the reason, as there is no ticket to keep it on.
func (p *Pipeline) applyControl(tx *store.Tx, rawID int64, msg *parser.Message, in ticket.Inbound, cm commandMail,
	now time.Time, out *Outcome, queued *bool) error {
	if ticket.NoAutoAnswer(p.desk, in) != "" {
		return tx.MarkRawProcessed(rawID, 0) // kept, never answered (RFC 3834)
	}
	user, err := tx.User(in.From)
	if err != nil {
		return err
	}
	s := ticket.Sender{Email: in.From, User: user, Proof: cm.proof}
	cmds, _ := ticket.ReadControl(in.NewText, p.words)
	var runs []ticket.Applied
	current := map[string]ticket.Ticket{} // each ticket as the commands before left it
	var order []string
	before := map[string][]string{} // each ticket's participants before the mail
	fail := func(line, why string) {
		runs = append(runs, ticket.Applied{Results: []ticket.Result{{Line: line, Text: "refused: " + why}}})
	}
	if len(cmds) == 0 {
		fail("", "no commands found: a mail to "+p.cfg.ControlAddress()+" holds lines such as #ticket "+
			p.cfg.Desk.Prefix+"-12, then #status, ending with #thanks")
	}
	for i := 0; i < len(cmds); {
		c := cmds[i]
		i++
		if c.Cmd != ticket.CmdTicket {
			fail(c.Line, "select a ticket first: #ticket "+p.cfg.Desk.Prefix+"-12")
			continue
		}
		j := i
		for j < len(cmds) && cmds[j].Cmd != ticket.CmdTicket {
			j++
		}
		t, ok, err := p.controlTicket(tx, c.Args, current)
		if err != nil {
			return err
		}
		if !ok {
			fail(c.Line, fmt.Sprintf("there is no ticket %q", strings.TrimSpace(c.Args)))
			i = j
			continue
		}
		a, err := p.runCommands(tx, t, s, cmds[i:j], now)
		if err != nil {
			return err
		}
		a.Results = append([]ticket.Result{{Line: c.Line, Done: a.OK, Text: "selected " + t.Ref}}, a.Results...)
		runs = append(runs, a)
		if _, seen := current[t.Ref]; !seen {
			order = append(order, t.Ref)
			before[t.Ref] = t.Participants
		}
		if a.OK {
			current[t.Ref] = a.Ticket
		} else {
			current[t.Ref] = t
		}
		i = j
	}
	if len(order) == 0 {
		return errNotTaken{reason: firstRefusal(runs[0].Results)}
	}
	first := current[order[0]]
	transcript := p.transcriptText(tx, runs, s)
	if !allOK(runs) {
		// Nothing of the tickets is told to a sender who may not be on them:
		// not even in the SMTP reply.
		if err := p.queueTranscript(tx, first, msg, in, user, transcript, now, queued); err != nil {
			return err
		}
		return tx.MarkRawProcessed(rawID, 0)
	}
	out.Ref = first.Ref
	for _, ref := range order {
		if err := p.writeControl(tx, rawID, msg, in, runs, current[ref], before[ref], now, queued); err != nil {
			return err
		}
	}
	if err := p.queueTranscript(tx, first, msg, in, user, transcript, now, queued); err != nil {
		return err
	}
	return tx.MarkRawProcessed(rawID, first.ID)
}

// writeControl writes one ticket's share of an applied control mail: the
// ticket, the mail as a message of it, the events, participants, links and
// notices of every group that selected it.
func (p *Pipeline) writeControl(tx *store.Tx, rawID int64, msg *parser.Message, in ticket.Inbound, runs []ticket.Applied,
	t ticket.Ticket, participantsBefore []string, now time.Time, queued *bool) error {
	if err := tx.UpdateTicket(t); err != nil {
		return err
	}
	row := inboundMessage(msg, in, now)
	if err := tx.AddMessage(t.ID, rawID, &row); err != nil {
		return err
	}
	var dec ticket.Decision
	var eff effects
	for _, a := range runs {
		if a.Ticket.Ref != t.Ref {
			continue
		}
		dec.Events = append(dec.Events, a.Events...)
		eff.linked = append(eff.linked, a.Linked...)
	}
	dec.Ticket = t
	eff.participants = !slices.Equal(t.Participants, participantsBefore)
	if err := tx.AddEvents(t.ID, row.ID, dec.Events); err != nil {
		return err
	}
	if err := p.writeEffects(tx, t, eff, in.From, now); err != nil {
		return err
	}
	return p.queueChanges(tx, dec, now, queued, in.From)
}

// queueTranscript mails a control mail's transcript to its sender, on the
// first ticket it selected.
func (p *Pipeline) queueTranscript(tx *store.Tx, t ticket.Ticket, msg *parser.Message, in ticket.Inbound,
	user *ticket.User, transcript string, now time.Time, queued *bool) error {
	f := factsOf(msg, in, user, commandMail{})
	ok, err := p.queueNotice(tx, t, notice{kind: templates.KindTranscript,
		to: ticket.Recipient{Email: in.From, Staff: f.staff}, name: f.name, text: transcript,
		stranger: !mayTakePart(t, in.From, user)}, now)
	*queued = *queued || ok
	return err
}

// controlTicket finds the ticket a "#ticket REF" line selects, as earlier
// groups of the same mail left it.
func (p *Pipeline) controlTicket(tx *store.Tx, arg string, current map[string]ticket.Ticket) (ticket.Ticket, bool, error) {
	n, err := p.match.ParseRef(strings.ToUpper(strings.TrimSpace(arg)))
	if err != nil {
		return ticket.Ticket{}, false, nil
	}
	if t, ok := current[ticket.FormatRef(p.cfg.Desk.Prefix, n)]; ok {
		return t, true, nil
	}
	exists, err := tx.ExistingNumbers(p.cfg.Desk.Prefix, []int64{n})
	if err != nil || !exists[n] {
		return ticket.Ticket{}, false, err
	}
	t, err := tx.Ticket(p.cfg.Desk.Prefix, n)
	return t, err == nil, err
}

func allOK(runs []ticket.Applied) bool {
	for _, a := range runs {
		if !a.OK {
			return false
		}
	}
	return true
}
