package main

import "fmt"

func main() { fmt.Println("greeter ready") }
