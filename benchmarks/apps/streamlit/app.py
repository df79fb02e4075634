"""Mortgage calculator: a Streamlit front end over plain functions (run: streamlit run app.py)."""

import pandas as pd
import streamlit as st


def monthly_payment(principal: float, annual_rate_pct: float, years: int) -> float:
    """The fixed monthly payment of an amortised loan."""
    n = years * 12
    r = annual_rate_pct / 100 / 12
    if r == 0:
        return principal / n
    return principal * r * (1 + r) ** n / ((1 + r) ** n - 1)


def amortization(principal: float, annual_rate_pct: float, years: int) -> pd.DataFrame:
    """One row per year: interest paid, principal repaid and the balance left."""
    payment = monthly_payment(principal, annual_rate_pct, years)
    r = annual_rate_pct / 100 / 12
    balance = principal
    rows = []
    for year in range(1, years + 1):
        interest_year = principal_year = 0.0
        for _ in range(12):
            interest = balance * r
            repaid = payment - interest
            balance -= repaid
            interest_year += interest
            principal_year += repaid
        rows.append(
            {"year": year, "interest": interest_year, "principal": principal_year,
             "balance": max(balance, 0.0)}
        )
    return pd.DataFrame(rows)


def main() -> None:
    st.set_page_config(page_title="Mortgage calculator")
    st.title("Mortgage calculator")
    principal = st.number_input("Loan amount", min_value=1000.0, value=300_000.0, step=1000.0)
    rate = st.slider("Interest rate (%)", 0.0, 15.0, 4.5, 0.1)
    years = st.select_slider("Term (years)", options=[10, 15, 20, 25, 30], value=30)
    st.metric("Monthly payment", f"{monthly_payment(principal, rate, years):,.2f}")
    schedule = amortization(principal, rate, years)
    st.line_chart(schedule.set_index("year")[["balance"]])
    st.dataframe(schedule.style.format("{:,.0f}"), use_container_width=True)


if __name__ == "__main__":  # `streamlit run app.py` runs the script as __main__
    main()
