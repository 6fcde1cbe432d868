using System.Globalization;

namespace PostLoan.Domain.Common;

/// <summary>
/// An amount in yuan (CNY). Arithmetic keeps full precision; <see cref="Round"/> applies the ledger's rounding
/// convention: 2 decimals, half away from zero (四舍五入).
/// </summary>
public readonly record struct Money(decimal Amount) : IComparable<Money>
{
    public static readonly Money Zero = new(0m);

    /// <summary>Rounds to cents, half away from zero.</summary>
    public Money Round() => new(RoundCents(Amount));

    /// <summary>Rounds a raw decimal to cents, half away from zero (四舍五入).</summary>
    public static decimal RoundCents(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount);
    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount);
    public static Money operator -(Money a) => new(-a.Amount);
    public static bool operator <(Money a, Money b) => a.Amount < b.Amount;
    public static bool operator >(Money a, Money b) => a.Amount > b.Amount;
    public static bool operator <=(Money a, Money b) => a.Amount <= b.Amount;
    public static bool operator >=(Money a, Money b) => a.Amount >= b.Amount;

    public int CompareTo(Money other) => Amount.CompareTo(other.Amount);

    /// <summary>Invariant-culture text with exactly 2 decimals, as the CSV and JSON contracts print it.</summary>
    public override string ToString() => RoundCents(Amount).ToString("0.00", CultureInfo.InvariantCulture);
}
