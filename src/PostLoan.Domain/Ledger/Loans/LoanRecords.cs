using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>Guarantee method of a loan (担保方式).</summary>
public enum GuaranteeMethod
{
    /// <summary>信用</summary>
    Credit = 1,
    /// <summary>保证</summary>
    Guarantee = 2,
    /// <summary>抵押</summary>
    Mortgage = 3,
    /// <summary>质押</summary>
    Pledge = 4,
}

/// <summary>A loan product (贷款产品): the method and the servicing rules its loans copy when they are opened.</summary>
public sealed class LoanProduct
{
    public int Id { get; set; }
    public required string Code { get; set; }
    public required string Name { get; set; }
    public RepaymentMethod Method { get; set; }
    public InterestFrequency InterestFrequency { get; set; } = InterestFrequency.Monthly;
    /// <summary>Penalty markup (罚息上浮比例), 0.5 = 50%; PBOC range 30–50%.</summary>
    public decimal PenaltyMarkup { get; set; } = 0.5m;
    public int GraceDays { get; set; }
    public AllocationOrder AllocationOrder { get; set; } = AllocationOrder.OldestInstallmentFirst;
    /// <summary>Whether due dates on holidays move to the next working day (节假日顺延).</summary>
    public bool ShiftHolidays { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>
/// A loan (借据) under a contract: terms copied from the product at opening, owner organisation and account manager
/// (copied from the customer for scope filtering).
/// </summary>
public sealed class Loan
{
    public long Id { get; set; }
    /// <summary>Loan (借据) number from the core system, unique.</summary>
    public required string Code { get; set; }
    public string? ContractNumber { get; set; }
    public int CustomerId { get; set; }
    public int ProductId { get; set; }
    public int OrganisationId { get; set; }
    public string OrganisationPath { get; set; } = "/";
    public string? AccountManagerId { get; set; }
    public string Currency { get; set; } = "CNY";
    public decimal Principal { get; set; }
    public decimal AnnualRate { get; set; }
    public int TermMonths { get; set; }
    public RepaymentMethod Method { get; set; }
    public InterestFrequency InterestFrequency { get; set; } = InterestFrequency.Monthly;
    public DateOnly DisbursementDate { get; set; }
    public DateOnly MaturityDate { get; set; }
    public decimal PenaltyMarkup { get; set; } = 0.5m;
    public int GraceDays { get; set; }
    public AllocationOrder AllocationOrder { get; set; } = AllocationOrder.OldestInstallmentFirst;
    /// <summary>Purpose (用途).</summary>
    public string? Purpose { get; set; }
    public GuaranteeMethod GuaranteeMethod { get; set; } = GuaranteeMethod.Credit;
    public DateTimeOffset CreatedAt { get; set; }

    public LoanTerms Terms => new(Principal, AnnualRate, TermMonths, Method, DisbursementDate, InterestFrequency);
    public ServicingRules Rules => new(PenaltyMarkup, GraceDays, AllocationOrder);
}

/// <summary>A stored installment (还款计划) with what has been paid of it.</summary>
public sealed class InstallmentRecord
{
    public long LoanId { get; set; }
    public int Period { get; set; }
    public DateOnly DueDate { get; set; }
    public decimal Principal { get; set; }
    public decimal Interest { get; set; }
    public decimal PrincipalPaid { get; set; }
    public decimal InterestPaid { get; set; }
}

/// <summary>Kind of a money transaction on a loan (交易类型).</summary>
public enum LoanTransactionKind
{
    Disbursement = 1,
    Repayment = 2,
    Payoff = 3,
    PartPrepayment = 4,
    /// <summary>以资抵债: a repayment in assets at their agreed value.</summary>
    DebtForAsset = 5,
}

/// <summary>A posted money transaction (交易流水) with its allocation.</summary>
public sealed class LoanTransaction
{
    public long Id { get; set; }
    public long LoanId { get; set; }
    public DateOnly ValueDate { get; set; }
    public LoanTransactionKind Kind { get; set; }
    public decimal Amount { get; set; }
    public decimal Penalty { get; set; }
    public decimal Compound { get; set; }
    public decimal Interest { get; set; }
    public decimal Principal { get; set; }
    /// <summary>Channel or source: counter, auto-debit file, import, demo.</summary>
    public string Channel { get; set; } = "counter";
    /// <summary>Reference in the source system (e.g. the auto-debit file line), unique per loan when present.</summary>
    public string? Reference { get; set; }
    public string? PostedBy { get; set; }
    public DateTimeOffset PostedAt { get; set; }
}

/// <summary>Kind of an entry in the loan ledger (贷款台账).</summary>
public enum LedgerEventKind
{
    Disbursement = 1,
    Repayment = 2,
    /// <summary>展期</summary>
    Extension = 3,
    /// <summary>利率调整</summary>
    RateChange = 4,
    /// <summary>担保变更</summary>
    GuaranteeChange = 5,
    /// <summary>重组</summary>
    Restructuring = 6,
    /// <summary>以资抵债</summary>
    DebtForAsset = 7,
    /// <summary>核销</summary>
    WriteOff = 8,
    /// <summary>结清 (releases collateral, 清户撤押)</summary>
    Settlement = 9,
}

/// <summary>A dated entry of the loan ledger (贷款台账): nothing is ever deleted, corrections are new entries.</summary>
public sealed class LedgerEvent
{
    public long Id { get; set; }
    public long LoanId { get; set; }
    public DateOnly EffectiveDate { get; set; }
    public LedgerEventKind Kind { get; set; }
    public string? Reason { get; set; }
    public string? Approver { get; set; }
    /// <summary>Event details as JSON (new rate, extra months, amounts).</summary>
    public string? Detail { get; set; }
    public string? RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>One journal entry line pair (会计分录): debit and credit of the same amount.</summary>
public sealed class JournalEntry
{
    public long Id { get; set; }
    public DateOnly Date { get; set; }
    /// <summary>The loan, or null for the close's per-organisation summary of accruals.</summary>
    public long? LoanId { get; set; }
    public int OrganisationId { get; set; }
    public required string Kind { get; set; }
    public required string DebitAccount { get; set; }
    public required string CreditAccount { get; set; }
    public decimal Amount { get; set; }
}

/// <summary>The live position of a loan (<c>loan_positions</c>), updated by postings and by the daily close.</summary>
public sealed class LoanPositionRecord : LoanPositionColumns;

/// <summary>A loan's position at the end of a closed business date (日终快照, <c>loan_snapshots</c>): what later modules and reports read.</summary>
public sealed class LoanSnapshot : LoanPositionColumns;

/// <summary>
/// The columns of a loan's position at the end of a business date, shared by the live row and the daily snapshots.
/// </summary>
public abstract class LoanPositionColumns
{
    public long LoanId { get; set; }
    /// <summary>The business date of the snapshot (equals ClosedThrough for the live row).</summary>
    public DateOnly Date { get; set; }
    public DateOnly ClosedThrough { get; set; }
    public DateOnly StartedThrough { get; set; }
    public LoanStatus Status { get; set; }
    public decimal AnnualRate { get; set; }
    public decimal PrincipalOutstanding { get; set; }
    public decimal PrincipalNotDue { get; set; }
    public decimal DuePrincipal { get; set; }
    public decimal DueInterest { get; set; }
    public decimal DueTodayPrincipal { get; set; }
    public decimal DueTodayInterest { get; set; }
    public DateOnly? OldestUnpaidDue { get; set; }
    public DateOnly LastDueDate { get; set; }
    public int NextPeriod { get; set; }
    public DateOnly? NextDueDate { get; set; }
    public decimal NextPrincipal { get; set; }
    public decimal NextInterest { get; set; }
    public decimal PenaltyAccrued { get; set; }
    public decimal CompoundAccrued { get; set; }
    public decimal PenaltyPending { get; set; }
    public decimal CompoundPending { get; set; }
    public decimal PenaltyPaid { get; set; }
    public decimal CompoundPaid { get; set; }
    public decimal InterestAccrued { get; set; }
    public decimal RevolvingInterestExact { get; set; }
    public decimal InterestBooked { get; set; }
    public decimal ChargesBooked { get; set; }
    public decimal LastInterestAccrual { get; set; }
    public decimal LastChargesAccrual { get; set; }
    public int DaysPastDue { get; set; }
    public FiveLevelCategory Category { get; set; }
    public Ifrs9Stage Stage { get; set; }
    /// <summary>Overdue principal (逾期本金: due before the date, unpaid) — denormalised for reports.</summary>
    public decimal OverduePrincipal { get; set; }
    public decimal OverdueInterest { get; set; }
    public decimal PenaltyUnpaid { get; set; }
    public decimal CompoundUnpaid { get; set; }

    public LoanPosition ToPosition(Loan loan) => new()
    {
        LoanId = LoanId,
        AnnualRate = AnnualRate,
        PenaltyMarkup = loan.PenaltyMarkup,
        GraceDays = loan.GraceDays,
        Revolving = loan.Method == RepaymentMethod.Revolving,
        ClosedThrough = ClosedThrough,
        StartedThrough = StartedThrough,
        Status = Status,
        PrincipalOutstanding = PrincipalOutstanding,
        PrincipalNotDue = PrincipalNotDue,
        DuePrincipal = DuePrincipal,
        DueInterest = DueInterest,
        DueTodayPrincipal = DueTodayPrincipal,
        DueTodayInterest = DueTodayInterest,
        OldestUnpaidDue = OldestUnpaidDue ?? DateOnly.MinValue,
        LastDueDate = LastDueDate,
        NextPeriod = NextPeriod,
        NextDueDate = NextDueDate ?? DateOnly.MaxValue,
        NextPrincipal = NextPrincipal,
        NextInterest = NextInterest,
        PenaltyAccrued = PenaltyAccrued,
        CompoundAccrued = CompoundAccrued,
        PenaltyPending = PenaltyPending,
        CompoundPending = CompoundPending,
        PenaltyPaid = PenaltyPaid,
        CompoundPaid = CompoundPaid,
        InterestAccrued = InterestAccrued,
        RevolvingInterestExact = RevolvingInterestExact,
        InterestBooked = InterestBooked,
        ChargesBooked = ChargesBooked,
        LastInterestAccrual = LastInterestAccrual,
        LastChargesAccrual = LastChargesAccrual,
        DaysPastDue = DaysPastDue,
        Category = Category,
        Stage = Stage,
    };

    /// <summary>Copies <paramref name="p"/> into this row.</summary>
    public void CopyFrom(in LoanPosition p) => Assign(this, p);

    public static T From<T>(in LoanPosition p) where T : LoanPositionColumns, new()
    {
        var row = new T();
        row.CopyFrom(p);
        return row;
    }

    private static void Assign(LoanPositionColumns row, in LoanPosition p)
    {
        row.LoanId = p.LoanId;
        row.Date = p.ClosedThrough;
        row.ClosedThrough = p.ClosedThrough;
        row.StartedThrough = p.StartedThrough;
        row.Status = p.Status;
        row.AnnualRate = p.AnnualRate;
        row.PrincipalOutstanding = p.PrincipalOutstanding;
        row.PrincipalNotDue = p.PrincipalNotDue;
        row.DuePrincipal = p.DuePrincipal;
        row.DueInterest = p.DueInterest;
        row.DueTodayPrincipal = p.DueTodayPrincipal;
        row.DueTodayInterest = p.DueTodayInterest;
        row.OldestUnpaidDue = p.OldestUnpaidDue == DateOnly.MinValue ? null : p.OldestUnpaidDue;
        row.LastDueDate = p.LastDueDate;
        row.NextPeriod = p.NextPeriod;
        row.NextDueDate = p.NextDueDate == DateOnly.MaxValue ? null : p.NextDueDate;
        row.NextPrincipal = p.NextPrincipal;
        row.NextInterest = p.NextInterest;
        row.PenaltyAccrued = p.PenaltyAccrued;
        row.CompoundAccrued = p.CompoundAccrued;
        row.PenaltyPending = p.PenaltyPending;
        row.CompoundPending = p.CompoundPending;
        row.PenaltyPaid = p.PenaltyPaid;
        row.CompoundPaid = p.CompoundPaid;
        row.InterestAccrued = p.InterestAccrued;
        row.RevolvingInterestExact = p.RevolvingInterestExact;
        row.InterestBooked = p.InterestBooked;
        row.ChargesBooked = p.ChargesBooked;
        row.LastInterestAccrual = p.LastInterestAccrual;
        row.LastChargesAccrual = p.LastChargesAccrual;
        row.DaysPastDue = p.DaysPastDue;
        row.Category = p.Category;
        row.Stage = p.Stage;
        row.OverduePrincipal = p.OverduePrincipal;
        row.OverdueInterest = p.OverdueInterest;
        row.PenaltyUnpaid = p.PenaltyUnpaid;
        row.CompoundUnpaid = p.CompoundUnpaid;
    }
}

/// <summary>State of a daily close run (日终批次).</summary>
public enum CloseRunState
{
    Running = 1,
    Completed = 2,
    /// <summary>Reopened by an administrator; the date must be closed again.</summary>
    Reopened = 3,
}

/// <summary>One business date's close: chunks are claimed and committed one by one, so a killed run resumes.</summary>
public sealed class CloseRun
{
    public DateOnly Date { get; set; }
    public CloseRunState State { get; set; }
    public int ChunkCount { get; set; }
    public long LoansClosed { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? StartedBy { get; set; }
}

/// <summary>A range of loan ids closed in one transaction; <see cref="CompletedAt"/> marks it done.</summary>
public sealed class CloseChunk
{
    public DateOnly Date { get; set; }
    public int Number { get; set; }
    public long FromLoanId { get; set; }
    public long ToLoanId { get; set; }
    public int LoansClosed { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
