import { z } from "zod";

export const OrderLine = z.object({
  sku: z.string().regex(/^[A-Z]{3}-\d{3}$/, "sku looks like ABC-123"),
  quantity: z.number().int().positive(),
  unitPrice: z.number().nonnegative(),
});

export const Order = z.object({
  customer: z.string().min(1),
  currency: z.enum(["EUR", "USD", "GBP"]),
  lines: z.array(OrderLine).min(1),
  coupon: z.string().optional(),
});

export type Order = z.infer<typeof Order>;

export interface Priced {
  customer: string;
  currency: string;
  items: number;
  total: number;
}

export function price(order: Order): Priced {
  const subtotal = order.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  const discount = order.coupon === "SLIM10" ? 0.1 : 0;
  const total = Math.round(subtotal * (1 - discount) * 100) / 100;
  const items = order.lines.reduce((n, l) => n + l.quantity, 0);
  return { customer: order.customer, currency: order.currency, items, total };
}

export type Result = { status: number; body: unknown };

export function handleOrder(payload: unknown): Result {
  const parsed = Order.safeParse(payload);
  if (!parsed.success) {
    return { status: 422, body: { errors: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) } };
  }
  return { status: 200, body: price(parsed.data) };
}
