// etcd 3.6.5, what etcd's own main.go does
// (https://github.com/etcd-io/etcd/blob/v3.6.5/server/main.go).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
