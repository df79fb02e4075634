# slimmer: build stage with the toolchain; only its artifacts ship
FROM golang:1.19 AS builder
COPY main.go ./
ENV CGO_ENABLED=0
RUN go build -o server main.go

# slimmer: runtime stage: just the static binary
FROM gcr.io/distroless/static-debian12
WORKDIR /go
COPY --from=builder /go/server /go/server
CMD ["./server"]
