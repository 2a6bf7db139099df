// Package tools pins the k6 release that k6-fleet runs. `go install go.k6.io/k6/v2`
// from this module builds exactly the versions in go.mod/go.sum (checksum-verified).
package tools

import _ "go.k6.io/k6/v2"
