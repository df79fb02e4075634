# slimmer: build stage with the toolchain; only its artifacts ship
FROM golang:1.19 AS builder
WORKDIR /app
COPY go.mod main.go ./
ENV CGO_ENABLED=0
RUN go build

# slimmer: runtime stage: just the static binary
FROM gcr.io/distroless/static-debian12
WORKDIR /app
COPY --from=builder /app/greeter /app/greeter
CMD ["./greeter"]
