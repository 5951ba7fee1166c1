// SPDX-License-Identifier: GPL-2.0
// step-ca's server from Debian's golang-github-smallstep-certificates-dev,
// which ships the library without a binary: the library's own top-level
// command, run by urfave/cli.  Built offline by tests/peers/step-ca/build.
package main

import (
	"os"

	"github.com/smallstep/certificates/commands"
	"github.com/urfave/cli"
)

func main() {
	app := cli.NewApp()
	app.Name = "step-ca"
	app.Usage = "SCEP CA for capwap-lsc tests"
	app.Flags = commands.AppCommand.Flags
	app.Action = commands.AppCommand.Action
	if err := app.Run(os.Args); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
