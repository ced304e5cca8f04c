package ticket

import (
	"testing"
	"time"
)

func TestMeasureSLA(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // a Monday
	office, err := NewCalendar(time.UTC, nil, []string{"08:00-17:00"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := time.Hour
	tk := Ticket{CreatedAt: t0, Status: StatusInProgress}
	change := func(after time.Duration, from, to Status) Event {
		return Event{At: t0.Add(after), Type: EventStatus, From: from, To: to}
	}
	tests := []struct {
		name     string
		target   Target
		events   []Event
		status   Status
		at       time.Duration // now, after t0
		used     time.Duration
		due      time.Duration // after t0; 0 for none
		paused   bool
		breached bool
	}{
		{"wall clock, running", Target{Resolution: 4 * h}, nil, StatusNew, 3 * h, 3 * h, 4 * h, false, false},
		{"wall clock, breached", Target{Resolution: 4 * h}, nil, StatusNew, 5 * h, 5 * h, 4 * h, false, true},
		{"paused while waiting for the customer", Target{Resolution: 4 * h},
			[]Event{change(1*h, StatusNew, StatusWaitingCustomer)}, StatusWaitingCustomer, 10 * h, 1 * h, 0, true, false},
		{"resumes on the answer", Target{Resolution: 4 * h},
			[]Event{change(1*h, StatusNew, StatusWaitingCustomer), change(10*h, StatusWaitingCustomer, StatusInProgress)},
			StatusInProgress, 11 * h, 2 * h, 13 * h, false, false},
		{"done stops the clock", Target{Resolution: 4 * h},
			[]Event{change(2*h, StatusNew, StatusResolved), change(3*h, StatusResolved, StatusClosed)}, StatusClosed, 50 * h, 2 * h, 0, false, false},
		{"a business-time breach is due when it happened, however late it is now", Target{Resolution: 4 * h, Business: true},
			nil, StatusNew, 14 * h, 8 * h, 4 * h, false, true},
		{"paused after the breach keeps the moment it was missed", Target{Resolution: 2 * h},
			[]Event{change(3*h, StatusNew, StatusWaitingCustomer)}, StatusWaitingCustomer, 20 * h, 3 * h, 2 * h, true, true},
		{"business time skips the night", Target{Resolution: 10 * h, Business: true}, nil, StatusNew, 9 * h, 8 * h,
			24*h + 1*h, false, false}, // 09:00 Mon + 10h of 08-17 = Tue 10:00
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := tk
			tk.Status = tc.status
			s := MeasureSLA(tk, tc.events, tc.target, office, t0.Add(tc.at), time.Time{})
			if s.Used != tc.used || s.Paused != tc.paused || s.Breached() != tc.breached {
				t.Errorf("used %s paused %v breached %v; want %s %v %v", s.Used, s.Paused, s.Breached(), tc.used, tc.paused, tc.breached)
			}
			if (tc.due == 0) != s.DueAt.IsZero() || (tc.due != 0 && !s.DueAt.Equal(t0.Add(tc.due))) {
				t.Errorf("due %v, want +%s", s.DueAt, tc.due)
			}
		})
	}
}

func TestTimers(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	r := TimeRules{Targets: []Target{{Severity: 1, FirstResponse: time.Hour, Resolution: 4 * time.Hour}},
		WarnAt: 0.75, EscalateOnBreach: true, AutoCloseDays: 30, RemindDays: 5}
	open := Ticket{Severity: 1, Status: StatusNew, CreatedAt: t0, UpdatedAt: t0}
	got := map[TimerKind]time.Time{}
	for _, tm := range Timers(open, nil, r, Calendar{}, t0, time.Time{}) {
		got[tm.Kind] = tm.At
	}
	want := map[TimerKind]time.Time{TimerSLAWarning: t0.Add(3 * time.Hour), TimerSLABreach: t0.Add(4 * time.Hour),
		TimerLateReply: t0.Add(time.Hour)}
	for k, at := range want {
		if !got[k].Equal(at) {
			t.Errorf("%s at %v, want %v", k, got[k], at)
		}
	}
	if len(Timers(open, nil, r, Calendar{}, t0, t0.Add(time.Minute))) != 2 {
		t.Errorf("a first response removes its timer")
	}
	resolvedAt := t0.Add(2 * time.Hour)
	resolved := open
	resolved.Status = StatusResolved
	events := []Event{{At: resolvedAt, Type: EventStatus, From: StatusNew, To: StatusResolved}}
	keys := map[TimerKind]Timer{}
	for _, tm := range Timers(resolved, events, r, Calendar{}, t0.Add(3*time.Hour), t0.Add(time.Minute)) {
		keys[tm.Kind] = tm
	}
	if keys[TimerAutoClose].At != resolvedAt.AddDate(0, 0, 30) || keys[TimerRemind].At != resolvedAt.AddDate(0, 0, 25) ||
		keys[TimerAutoClose].Key != "auto_close:2026-11-23T11:00:00Z" || keys[TimerAutoClose].After != keys[TimerRemind].Key {
		t.Errorf("resolved timers: %+v", keys)
	}
	if _, ok := keys[TimerSLABreach]; ok {
		t.Errorf("a resolved ticket's clock is paused: no breach timer")
	}
	if Timers(Ticket{Status: StatusClosed}, nil, r, Calendar{}, t0, time.Time{}) != nil {
		t.Errorf("a closed ticket has timers")
	}
}

func TestFirstResponse(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	staff := func(a string) bool { return a == "bob@desk.example" }
	events := []Event{
		{At: t0, Actor: "anna@client.example", Type: EventCreated, To: StatusNew},
		{At: t0.Add(time.Minute), Actor: "bob@desk.example", Type: EventMessageAdded, Reason: "automated mail (auto_reply) ooo@x"},
		{At: t0.Add(2 * time.Minute), Actor: "anna@client.example", Type: EventMessageAdded, Reason: "reply r1"},
		{At: t0.Add(3 * time.Minute), Actor: "bob@desk.example", Type: EventAssigned, Reason: "assigned"},
	}
	if got := FirstResponse(events, staff); !got.Equal(t0.Add(3 * time.Minute)) {
		t.Errorf("FirstResponse = %v: an out-of-office reply or the customer's mail is no response", got)
	}
	if got := FirstResponse(events[:3], staff); !got.IsZero() {
		t.Errorf("FirstResponse = %v, want none", got)
	}
}
