package ticket

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	testDesk = Desk{Prefix: "TKT", Address: "support@desk.example", DefaultSeverity: 3, DefaultPriority: "medium"}
	testNow  = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
)

func person() Inbound {
	return Inbound{
		MessageID: "m1@customer.example",
		From:      "alice@customer.example",
		Subject:   "[S2] printer broken",
		Summary:   "printer broken",
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name             string
		in               func(in *Inbound)
		wantSeverity     int
		wantSummary      string
		wantParticipants []string
	}{
		{
			name:             "defaults",
			in:               func(*Inbound) {},
			wantSeverity:     3,
			wantSummary:      "printer broken",
			wantParticipants: []string{},
		},
		{
			name:             "severity from the mail",
			in:               func(in *Inbound) { in.Severity = 1 },
			wantSeverity:     1,
			wantSummary:      "printer broken",
			wantParticipants: []string{},
		},
		{
			name:             "empty summary",
			in:               func(in *Inbound) { in.Summary = "" },
			wantSeverity:     3,
			wantSummary:      "(no subject)",
			wantParticipants: []string{},
		},
		{
			name: "participants filtered, lower-cased, deduplicated",
			in: func(in *Inbound) {
				in.Cc = []string{
					"Bob@Customer.Example", "ALICE@customer.example", "support@desk.example",
					"Support+TKT-1.abc@Desk.Example", "bob@customer.example", "", "carol@other.example",
					"SUPPORT@DESK.EXAMPLE",
				}
			},
			wantSeverity:     3,
			wantSummary:      "printer broken",
			wantParticipants: []string{"bob@customer.example", "carol@other.example"},
		},
		{
			name:             "only the requester and the desk copied",
			in:               func(in *Inbound) { in.Cc = []string{"alice@customer.example", "support+x@desk.example"} },
			wantSeverity:     3,
			wantSummary:      "printer broken",
			wantParticipants: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := person()
			tc.in(&in)
			dec := Open(testDesk, in, testNow)
			tk := dec.Ticket
			if tk.Severity != tc.wantSeverity {
				t.Errorf("Severity = %d, want %d", tk.Severity, tc.wantSeverity)
			}
			if tk.Summary != tc.wantSummary {
				t.Errorf("Summary = %q, want %q", tk.Summary, tc.wantSummary)
			}
			if tk.Subject != in.Subject {
				t.Errorf("Subject = %q, want %q", tk.Subject, in.Subject)
			}
			if tk.Status != StatusNew {
				t.Errorf("Status = %q, want %q", tk.Status, StatusNew)
			}
			if tk.Requester != in.From {
				t.Errorf("Requester = %q, want %q", tk.Requester, in.From)
			}
			if tk.Priority != "medium" {
				t.Errorf("Priority = %q, want medium", tk.Priority)
			}
			if tk.Participants == nil {
				t.Errorf("Participants is nil, want a non-nil slice")
			}
			if !slices.Equal(tk.Participants, tc.wantParticipants) {
				t.Errorf("Participants = %q, want %q", tk.Participants, tc.wantParticipants)
			}
			if tk.Fields == nil {
				t.Errorf("Fields is nil, want an empty map")
			}
			if !tk.CreatedAt.Equal(testNow) || !tk.UpdatedAt.Equal(testNow) {
				t.Errorf("CreatedAt, UpdatedAt = %v, %v; want %v", tk.CreatedAt, tk.UpdatedAt, testNow)
			}
			if tk.Number != 0 || tk.Ref != "" {
				t.Errorf("Number, Ref = %d, %q; want them unassigned", tk.Number, tk.Ref)
			}
			if len(dec.Events) != 1 {
				t.Fatalf("Events = %+v, want one created event", dec.Events)
			}
			ev := dec.Events[0]
			if ev.Type != EventCreated || ev.To != StatusNew || ev.Actor != in.From || !ev.At.Equal(testNow) {
				t.Errorf("event = %+v, want created by %s to new at %v", ev, in.From, testNow)
			}
			if !strings.Contains(ev.Reason, in.MessageID) {
				t.Errorf("event reason %q does not name the message %s", ev.Reason, in.MessageID)
			}
			if !dec.Acknowledge {
				t.Errorf("the requester is not acknowledged: %+v", dec)
			}
		})
	}
}

func TestOpenNoAcknowledgement(t *testing.T) {
	tests := []struct {
		name       string
		in         func(in *Inbound)
		wantReason string
	}{
		{"automated", func(in *Inbound) { in.Automated = "auto-reply" }, "automated (auto-reply)"},
		{"null sender", func(in *Inbound) { in.NullSender = true }, "null return path"},
		{"x-loop", func(in *Inbound) { in.XLoop = []string{"other@x.example", "support@desk.example"} }, "X-Loop"},
		{"x-loop upper case", func(in *Inbound) { in.XLoop = []string{"SUPPORT@Desk.Example"} }, "X-Loop"},
		{"x-loop sub-address", func(in *Inbound) { in.XLoop = []string{"support+TKT-1@desk.example"} }, "X-Loop"},
		{"from the desk", func(in *Inbound) { in.From = "support@desk.example" }, "desk's own address"},
		{"from the desk upper case", func(in *Inbound) { in.From = "Support@DESK.example" }, "desk's own address"},
		{"no sender", func(in *Inbound) { in.From = "" }, "no sender"},
		{"from a desk sub-address", func(in *Inbound) { in.From = "support+x@desk.example" }, "desk's own address"},
		{"from the desk with a space", func(in *Inbound) { in.From = " support@desk.example" }, "desk's own address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := person()
			tc.in(&in)
			dec := Open(testDesk, in, testNow)
			if dec.Acknowledge {
				t.Errorf("acknowledged: %+v", dec)
			}
			if dec.Ticket.Status != StatusNew {
				t.Errorf("Status = %q, want new", dec.Ticket.Status)
			}
			if len(dec.Events) != 2 || dec.Events[0].Type != EventCreated {
				t.Fatalf("Events = %+v, want created then the reason", dec.Events)
			}
			ev := dec.Events[1]
			if ev.Type != EventNoticeQueued || !ev.At.Equal(testNow) {
				t.Errorf("event = %+v, want %s at %v", ev, EventNoticeQueued, testNow)
			}
			if !strings.HasPrefix(ev.Reason, "no acknowledgement: ") || !strings.Contains(ev.Reason, tc.wantReason) {
				t.Errorf("reason = %q, want no acknowledgement because of %q", ev.Reason, tc.wantReason)
			}
		})
	}
}

func TestOpenXLoopOfOtherDeskStillAcknowledged(t *testing.T) {
	in := person()
	in.XLoop = []string{"support@other.example"}
	dec := Open(testDesk, in, testNow)
	if !dec.Acknowledge {
		t.Errorf("%s is not acknowledged: %+v", in.From, dec)
	}
}

func TestAddReply(t *testing.T) {
	created := testNow.Add(-time.Hour)
	tests := []struct {
		name       string
		status     Status
		automated  string
		wantReason string
	}{
		{"person on new ticket", StatusNew, "", "reply m1@customer.example"},
		{"person on waiting ticket", StatusWaitingCustomer, "", "reply m1@customer.example"},
		{"automated mail", StatusInProgress, "bounce", "automated mail (bounce) m1@customer.example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := Ticket{Number: 4, Ref: "TKT-4", Status: tc.status, Summary: "s", CreatedAt: created, UpdatedAt: created}
			in := person()
			in.Automated = tc.automated
			dec := AddReply(testDesk, tk, in, testNow)
			if dec.Ticket.Status != tc.status {
				t.Errorf("Status = %q, want unchanged %q", dec.Ticket.Status, tc.status)
			}
			if !dec.Ticket.UpdatedAt.Equal(testNow) {
				t.Errorf("UpdatedAt = %v, want %v", dec.Ticket.UpdatedAt, testNow)
			}
			if !dec.Ticket.CreatedAt.Equal(created) || dec.Ticket.Number != 4 || dec.Ticket.Ref != "TKT-4" {
				t.Errorf("ticket = %+v, want only UpdatedAt changed", dec.Ticket)
			}
			if !tk.UpdatedAt.Equal(created) {
				t.Errorf("caller's ticket modified: UpdatedAt = %v", tk.UpdatedAt)
			}
			want := []Event{{At: testNow, Actor: in.From, Type: EventMessageAdded, From: tc.status, To: tc.status, Reason: tc.wantReason}}
			if !slices.Equal(dec.Events, want) {
				t.Errorf("Events = %+v, want %+v", dec.Events, want)
			}
			if dec.Acknowledge {
				t.Errorf("acknowledged: %+v", dec)
			}
		})
	}
}

func TestIsDeskAddress(t *testing.T) {
	const desk = "support@desk.example"
	tests := []struct {
		name string
		addr string
		want bool
	}{
		{"exact", "support@desk.example", true},
		{"upper case", "SUPPORT@Desk.EXAMPLE", true},
		{"surrounding space", "  support@desk.example ", true},
		{"sub-address", "support+TKT-1.abc@desk.example", true},
		{"empty sub-address", "support+@desk.example", true},
		{"other local part", "sales@desk.example", false},
		{"local part with desk as prefix", "supporter@desk.example", false},
		{"other domain", "support@other.example", false},
		{"domain suffix", "support@desk.example.evil", false},
		{"sub-address at domain suffix", "support+x@desk.example.evil", false},
		{"two at signs", "support@desk.example@evil.example", false},
		{"empty", "", false},
		{"no at sign", "support", false},
		{"no at sign with plus", "support+x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsDeskAddress(desk, tc.addr); got != tc.want {
				t.Errorf("IsDeskAddress(%q, %q) = %v, want %v", desk, tc.addr, got, tc.want)
			}
		})
	}
	t.Run("desk given in upper case", func(t *testing.T) {
		if !IsDeskAddress("Support@Desk.Example", "support+x@desk.example") {
			t.Error("IsDeskAddress is case-sensitive in the desk address")
		}
	})
}

func TestParseStatus(t *testing.T) {
	if len(Statuses) != 8 {
		t.Fatalf("Statuses has %d entries, want 8", len(Statuses))
	}
	for _, st := range Statuses {
		t.Run(string(st), func(t *testing.T) {
			got, err := ParseStatus(string(st))
			if err != nil || got != st {
				t.Errorf("ParseStatus(%q) = %q, %v; want %q", st, got, err, st)
			}
		})
	}
	for _, s := range []string{"", "open", "New", " new", "in-progress"} {
		t.Run("unknown "+s, func(t *testing.T) {
			got, err := ParseStatus(s)
			if err == nil {
				t.Fatalf("ParseStatus(%q) = %q, want an error", s, got)
			}
			if got != "" {
				t.Errorf("ParseStatus(%q) = %q with error, want empty", s, got)
			}
			for _, st := range Statuses {
				if !strings.Contains(err.Error(), string(st)) {
					t.Errorf("error %q does not mention accepted value %q", err, st)
				}
			}
		})
	}
}

func TestFormatRef(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		number int64
		want   string
	}{
		{"one", "TKT", 1, "TKT-1"},
		{"two digits", "TKT", 12, "TKT-12"},
		{"other prefix", "OCS", 7, "OCS-7"},
		{"largest", "TKT", 9223372036854775807, "TKT-9223372036854775807"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatRef(tc.prefix, tc.number); got != tc.want {
				t.Errorf("FormatRef(%q, %d) = %q, want %q", tc.prefix, tc.number, got, tc.want)
			}
		})
	}
}
