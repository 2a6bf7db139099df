// k6-fleet's k6: k6 v2 (pinned in go.mod/go.sum) with the fleet output compiled in — the
// main package xk6 would generate (xk6 is not needed: `go build` of this module is the build).
package main

import (
	"go.k6.io/k6/v2/cmd"

	_ "k6fleet/tools/k6/fleetoutput"
)

func main() {
	cmd.Execute()
}
