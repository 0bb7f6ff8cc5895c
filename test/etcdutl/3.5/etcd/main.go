// etcd 3.5.35, what etcd's own main.go does
// (https://github.com/etcd-io/etcd/blob/v3.5.35/server/main.go).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
