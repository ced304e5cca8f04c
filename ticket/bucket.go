package ticket

import "time"

// Bucket is a token bucket that bounds automatic mail to one address (loop
// protection, RFC 3834 section 2: "responders MUST NOT ... respond more than
// once" in a given period). It holds up to Size tokens and refills Size
// tokens over Per; each mail takes one. The zero Bucket (never used) is full.
type Bucket struct {
	Tokens float64
	At     time.Time // when Tokens was counted; zero for a new bucket
}

// Take refills b for the time since b.At and takes one token at now. It
// returns the bucket to store and whether a token was there; a refused take
// leaves the bucket as refilled, so a steady stream stays refused until the
// refill catches up.
func (b Bucket) Take(now time.Time, size int, per time.Duration) (Bucket, bool) {
	tokens := float64(size)
	if !b.At.IsZero() {
		tokens = b.Tokens
		if elapsed := now.Sub(b.At); elapsed > 0 && per > 0 {
			tokens += float64(size) * float64(elapsed) / float64(per)
		}
		tokens = min(tokens, float64(size))
	}
	if tokens < 1 {
		return Bucket{Tokens: tokens, At: now}, false
	}
	return Bucket{Tokens: tokens - 1, At: now}, true
}
