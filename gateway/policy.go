package gateway

import (
	"slices"
	"strings"
	"time"

	"postdesk/parser"
	"postdesk/store"
	"postdesk/ticket"
)

// quotedTickets are the existing tickets a new mail names in its text (SEKO:
// "if you have the OPSD number of the previous request, include it").
func (p *Pipeline) quotedTickets(tx *store.Tx, msg *parser.Message) ([]ticket.Ticket, error) {
	refs := p.match.SubjectRefs(msg.Text)
	if len(refs) == 0 {
		return nil, nil
	}
	exists, err := tx.ExistingNumbers(p.cfg.Desk.Prefix, refs)
	if err != nil {
		return nil, err
	}
	var out []ticket.Ticket
	for _, n := range refs {
		if !exists[n] {
			continue
		}
		t, err := tx.Ticket(p.cfg.Desk.Prefix, n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// linkBack links the older ticket t to the new ticket ref and says so in its
// history; t itself is not otherwise changed.
func linkBack(tx *store.Tx, t ticket.Ticket, ref, actor string, now time.Time, reason string) error {
	if err := tx.Link(t.ID, ref, now); err != nil {
		return err
	}
	return tx.AddEvents(t.ID, 0, []ticket.Event{{At: now, Actor: actor, Type: ticket.EventLinked, Reason: reason}})
}

// mayOpen applies the desk's registration policy to a mail that would open
// a new ticket; a refusal says why and how to register. Answers on existing
// tickets are never refused here.
func (p *Pipeline) mayOpen(tx *store.Tx, in ticket.Inbound) error {
	if p.cfg.Desk.Registration == ticket.RegistrationOpen {
		return nil
	}
	user, err := tx.User(in.From)
	if err != nil {
		return err
	}
	org, err := tx.OrgByDomain(ticket.Domain(in.From))
	if err != nil {
		return err
	}
	if ok, reason := ticket.MayOpen(p.cfg.Desk.Registration, in.From, user, org); !ok {
		return errRefused{reason: reason, help: p.cfg.Desk.RegistrationHelp}
	}
	return nil
}

// refusedParticipants applies the participant policy to the people a new
// ticket's mail copied (Cc and To besides the desk, ticket.Copied) and to
// carried, the people of the closed ticket a follow-up would carry over
// (ticket.OpenLinked): those it keeps out, with the reason; "" keeps one out
// silently (the desk's staff, who get the ticket's mail through the
// notification matrix). desk.cc_participants = false keeps out every copied
// address, not the carried ones: they joined under the policy before.
func (p *Pipeline) refusedParticipants(tx *store.Tx, in ticket.Inbound, carried []string) (map[string]string, error) {
	refused := map[string]string{}
	copied := ticket.Copied(p.desk, in)
	candidates := copied
	if !p.cfg.Desk.CCParticipants {
		for _, a := range copied {
			refused[a] = "this desk does not make copied addresses participants"
		}
		candidates = nil
	}
	for _, a := range carried {
		if a = strings.ToLower(a); a != "" && a != strings.ToLower(in.From) && !slices.Contains(candidates, a) {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) == 0 {
		return refused, nil
	}
	var org *ticket.Org
	if p.cfg.Desk.Participants != ticket.ParticipantsAnyone {
		var err error
		if org, err = p.requesterOrg(tx, in.From); err != nil {
			return nil, err
		}
	}
	for _, a := range candidates {
		user, err := tx.User(a)
		if err != nil {
			return nil, err
		}
		if ok, reason := ticket.MayParticipate(p.cfg.Desk.Participants, org, a, user); !ok {
			refused[a] = reason
		}
	}
	return refused, nil
}

// requesterOrg is the organisation of a sender: their user record's, else
// their mail domain's.
func (p *Pipeline) requesterOrg(tx *store.Tx, from string) (*ticket.Org, error) {
	u, err := tx.User(from)
	if err != nil {
		return nil, err
	}
	if u != nil && u.Org != "" {
		return tx.Org(u.Org)
	}
	return tx.OrgByDomain(ticket.Domain(from))
}

// threadedTicket finds the existing ticket a mail belongs to, if any. A
// sender who may not take part in that ticket (not its requester, a
// participant or staff, and holding no reply token for it) is a stranger:
// the mail opens a new ticket, or is refused (desk.strangers), and nothing
// of the old ticket reaches them. For a new ticket, named is the ticket the
// stranger's mail named, so that agents see the two linked. Automated mail
// (bounces, auto-replies) still joins the ticket it names: it changes
// nothing and is never answered.
func (p *Pipeline) threadedTicket(tx *store.Tx, msg *parser.Message, in ticket.Inbound, user *ticket.User,
	tokenRef string) (t ticket.Ticket, found bool, named *ticket.Ticket, err error) {
	m, err := p.resolve(tx, msg, tokenRef)
	if err != nil || m.Number == 0 {
		return ticket.Ticket{}, false, nil, err
	}
	t, err = tx.Ticket(p.cfg.Desk.Prefix, m.Number)
	if err != nil {
		return ticket.Ticket{}, false, nil, err
	}
	if m.By == "token" || mayTakePart(t, in.From, user) || in.Automated != "" || in.NullSender {
		return t, true, nil, nil
	}
	p.deps.Log.Info("stranger names a ticket", "from", in.From, "ref", t.Ref, "by", m.By, "policy", p.cfg.Desk.Strangers)
	if p.cfg.Desk.Strangers == StrangersRefuse {
		return ticket.Ticket{}, false, nil, errNotTaken{reason: "<" + in.From + "> does not take part in the ticket this mail answers; " +
			"write a new mail without its reference number, or ask the ticket's requester to share it with you"}
	}
	stranger := t
	return ticket.Ticket{}, false, &stranger, nil
}
