package gateway

import (
	"context"
	"slices"
	"strings"
	"time"

	"postdesk/ticket"
)

// commandMail is what the pipeline learns about a mail's commands before its
// transaction: the command block, whether it went to the control address,
// and how its sender is proven.
type commandMail struct {
	block   ticket.Block
	control bool
	// proof holds for every ticket (submission, DKIM, trusted
	// Authentication-Results); tokenRef is the one ticket a reply token
	// proves the sender for.
	proof    ticket.Proof
	tokenRef string
}

// has reports whether the mail carries commands to apply.
func (c commandMail) has() bool { return c.control || len(c.block.Commands) > 0 }

// proofFor is how the sender is proven for the ticket ref.
func (c commandMail) proofFor(ref string) ticket.Proof {
	if c.proof != ticket.ProofNone {
		return c.proof
	}
	if c.tokenRef != "" && c.tokenRef == ref {
		return ticket.ProofToken
	}
	return ticket.ProofNone
}

// dnsTimeout bounds the DNS lookups of one mail's DKIM check, so a slow
// resolver delays the SMTP answer by at most this much.
const dnsTimeout = 10 * time.Second

// senderProof finds how the mail proves that from wrote it, beyond a reply
// token: the submission listener's SMTP AUTH for the same address; a DKIM
// signature (RFC 6376) aligned with from's domain (RFC 7489 section 3.1.1);
// or a trusted MTA's Authentication-Results (RFC 8601). It looks up DNS, so
// it runs before the transaction, and only for mail with commands.
func (p *Pipeline) senderProof(ctx context.Context, env Envelope, raw []byte, from string) ticket.Proof {
	if env.AuthUser != "" && strings.EqualFold(env.AuthUser, from) {
		return ticket.ProofSubmission
	}
	domain := ticket.Domain(from)
	if domain == "" {
		return ticket.ProofNone
	}
	if p.deps.LookupTXT != nil {
		ctx, cancel := context.WithTimeout(ctx, dnsTimeout)
		defer cancel()
		d, ok, err := dkimAligned(ctx, raw, domain, p.deps.LookupTXT)
		if err != nil {
			p.deps.Log.Info("dkim not checked", "from", from, "err", err)
		}
		if ok {
			p.deps.Log.Debug("sender proven by dkim", "from", from, "domain", d)
			return ticket.ProofDKIM
		}
	}
	if method, ok := authResultsAligned(raw, domain, p.cfg.Desk.TrustedAuthservIDs); ok {
		p.deps.Log.Debug("sender proven by authentication-results", "from", from, "method", method)
		return ticket.ProofAuthRes
	}
	return ticket.ProofNone
}

// isStaff reports whether from is an agent or manager of the desk, whose
// plain answers are relayed to customers once proven. A failed look-up
// counts as no: the answer is then kept and not relayed.
func (p *Pipeline) isStaff(ctx context.Context, from string) bool {
	u, err := p.store.User(ctx, from)
	if err != nil {
		p.deps.Log.Warn("look up sender", "from", from, "err", err)
		return false
	}
	return ticket.Sender{User: u}.Staff()
}

// isControl reports whether the mail was sent to the control address.
func (p *Pipeline) isControl(env Envelope) bool {
	for _, r := range env.RcptTo {
		if strings.EqualFold(strings.Trim(r, "<>"), p.cfg.ControlAddress()) {
			return true
		}
	}
	return false
}

// mayTakePart reports whether from is allowed on t: its requester, a
// participant, or desk staff. Anyone else is a stranger to it.
func mayTakePart(t ticket.Ticket, from string, user *ticket.User) bool {
	s := ticket.Sender{Email: from, User: user}
	return s.Staff() || strings.EqualFold(t.Requester, from) || slices.ContainsFunc(t.Participants, func(p string) bool { return strings.EqualFold(p, from) })
}
