package ally

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"time"
)

// Id prefixes, one per kind of thing (DESIGN.md).
const (
	PrefixPartner            = "ptn_"
	PrefixTier               = "tier_"
	PrefixPhase              = "phase_"
	PrefixExperienceTemplate = "exp_"
	PrefixUser               = "user_"
	PrefixAPIKey             = "key_"
	PrefixAudit              = "aud_"
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns prefix + a ULID: 48 bits of milliseconds and 80 random bits,
// so ids sort by creation time and keyset pages follow insertion order.
// Within one process ids are strictly increasing, even within a millisecond.
func NewID(prefix string) string {
	return prefix + nextULID(time.Now())
}

// ulids holds the last ULID made, so that one made in the same millisecond
// (or after the clock stepped back) is the last plus one instead of new
// random bits, which would sort before it half the time. The audit log's
// newest-first order relies on this.
var ulids struct {
	sync.Mutex
	last [16]byte
}

func nextULID(t time.Time) string {
	ms := uint64(t.UnixMilli())
	ulids.Lock()
	defer ulids.Unlock()
	b := ulids.last
	if ms > binary.BigEndian.Uint64(b[:8])>>16 {
		binary.BigEndian.PutUint64(b[:8], ms<<16)
		_, _ = rand.Read(b[6:])
	} else {
		// Add one to the 128-bit value; a carry out of the random part moves
		// the time part on by a millisecond, which keeps the order.
		for i := 15; i >= 0; i-- {
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	}
	ulids.last = b
	return encodeULID(b)
}

// encodeULID writes the 128 bits as 26 Crockford base32 characters.
func encodeULID(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// HasPrefix reports whether id looks like an id of the given kind.
func HasPrefix(id, prefix string) bool {
	return strings.HasPrefix(id, prefix) && len(id) == len(prefix)+26
}
