package ally

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
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
func NewID(prefix string) string {
	return prefix + newULID(time.Now())
}

func newULID(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	_, _ = rand.Read(b[6:])
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
