package gateway

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSMTPDelivery measures whole deliveries: SMTP over loopback, parse,
// thread, one committed transaction with synchronous=FULL, the 250. Run with
// -cpu 1,8 to see what group commit gives to concurrent sessions:
//
//	go test ./gateway -run '^$' -bench SMTPDelivery -cpu 1,8 -benchtime 2s
func BenchmarkSMTPDelivery(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Desk.Domain = "desk.example"
	cfg.Database.Path = b.TempDir() + "/bench.db"
	d := startDesk(b, cfg, false)
	var seq atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			raw := crlf(fmt.Sprintf("From: user%d@client.example\nTo: support@desk.example\n"+
				"Subject: Severity 2 - Acme - issue %d\nMessage-ID: <bench%d@client.example>\n\n"+
				"Labels do not print for order %d.\n", i, i, i, i))
			if _, err := send(b, d.Addr(), "x@client.example", []string{"support@desk.example"}, raw); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkTimerPass measures one pass of the timer loop over 1000 open
// tickets with an SLA target (each pass reads every open ticket and its
// history):
//
//	go test ./gateway -run '^$' -bench TimerPass -benchtime 20x
func BenchmarkTimerPass(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Desk.Domain = "desk.example"
	cfg.Database.Path = b.TempDir() + "/bench.db"
	cfg.SLA.Targets = []TargetConfig{{Resolution: 48 * time.Hour}}
	cfg.Escalation = []EscalationRule{{Trigger: TriggerSLABreach}, {Trigger: TriggerSLAWarning, Fraction: 0.75}}
	d := startDesk(b, cfg, false)
	for i := range 1000 {
		raw := crlf(fmt.Sprintf("From: user%d@client.example\nTo: support@desk.example\n"+
			"Subject: issue %d\nMessage-ID: <timer%d@client.example>\n\ntext\n", i, i, i))
		if _, err := send(b, d.Addr(), "x@client.example", []string{"support@desk.example"}, raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := d.timers.RunOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
