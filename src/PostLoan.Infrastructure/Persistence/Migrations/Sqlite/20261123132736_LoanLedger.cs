using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LoanLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "close_chunks",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    FromLoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    ToLoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    LoansClosed = table.Column<int>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_close_chunks", x => new { x.Date, x.Number });
                });

            migrationBuilder.CreateTable(
                name: "close_runs",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    ChunkCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LoansClosed = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_close_runs", x => x.Date);
                });

            migrationBuilder.CreateTable(
                name: "journal_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: true),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DebitAccount = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CreditAccount = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loan_products",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Method = table.Column<int>(type: "INTEGER", nullable: false),
                    InterestFrequency = table.Column<int>(type: "INTEGER", nullable: false),
                    PenaltyMarkup = table.Column<decimal>(type: "TEXT", nullable: false),
                    GraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    AllocationOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    ShiftHolidays = table.Column<bool>(type: "INTEGER", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_products", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loan_snapshots",
                columns: table => new
                {
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClosedThrough = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StartedThrough = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "TEXT", nullable: false),
                    PrincipalOutstanding = table.Column<long>(type: "INTEGER", nullable: false),
                    PrincipalNotDue = table.Column<long>(type: "INTEGER", nullable: false),
                    DuePrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    DueInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    DueTodayPrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    DueTodayInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    OldestUnpaidDue = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LastDueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    NextPeriod = table.Column<int>(type: "INTEGER", nullable: false),
                    NextDueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    NextPrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    NextInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    PenaltyAccrued = table.Column<decimal>(type: "TEXT", nullable: false),
                    CompoundAccrued = table.Column<decimal>(type: "TEXT", nullable: false),
                    PenaltyPending = table.Column<decimal>(type: "TEXT", nullable: false),
                    CompoundPending = table.Column<decimal>(type: "TEXT", nullable: false),
                    PenaltyPaid = table.Column<long>(type: "INTEGER", nullable: false),
                    CompoundPaid = table.Column<long>(type: "INTEGER", nullable: false),
                    InterestAccrued = table.Column<long>(type: "INTEGER", nullable: false),
                    RevolvingInterestExact = table.Column<decimal>(type: "TEXT", nullable: false),
                    InterestBooked = table.Column<long>(type: "INTEGER", nullable: false),
                    ChargesBooked = table.Column<long>(type: "INTEGER", nullable: false),
                    LastInterestAccrual = table.Column<long>(type: "INTEGER", nullable: false),
                    LastChargesAccrual = table.Column<long>(type: "INTEGER", nullable: false),
                    DaysPastDue = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    OverduePrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    OverdueInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    PenaltyUnpaid = table.Column<long>(type: "INTEGER", nullable: false),
                    CompoundUnpaid = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_snapshots", x => new { x.Date, x.LoanId });
                });

            migrationBuilder.CreateTable(
                name: "loans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ContractNumber = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProductId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Principal = table.Column<decimal>(type: "TEXT", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "TEXT", nullable: false),
                    TermMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Method = table.Column<int>(type: "INTEGER", nullable: false),
                    InterestFrequency = table.Column<int>(type: "INTEGER", nullable: false),
                    DisbursementDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    MaturityDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PenaltyMarkup = table.Column<decimal>(type: "TEXT", nullable: false),
                    GraceDays = table.Column<int>(type: "INTEGER", nullable: false),
                    AllocationOrder = table.Column<int>(type: "INTEGER", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    GuaranteeMethod = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loans_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_loans_loan_products_ProductId",
                        column: x => x.ProductId,
                        principalTable: "loan_products",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_loans_organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "installments",
                columns: table => new
                {
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Principal = table.Column<decimal>(type: "TEXT", nullable: false),
                    Interest = table.Column<decimal>(type: "TEXT", nullable: false),
                    PrincipalPaid = table.Column<decimal>(type: "TEXT", nullable: false),
                    InterestPaid = table.Column<decimal>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_installments", x => new { x.LoanId, x.Period });
                    table.ForeignKey(
                        name: "FK_installments_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ledger_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    EffectiveDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Approver = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ledger_events_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loan_positions",
                columns: table => new
                {
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClosedThrough = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StartedThrough = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "TEXT", nullable: false),
                    PrincipalOutstanding = table.Column<long>(type: "INTEGER", nullable: false),
                    PrincipalNotDue = table.Column<long>(type: "INTEGER", nullable: false),
                    DuePrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    DueInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    DueTodayPrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    DueTodayInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    OldestUnpaidDue = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LastDueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    NextPeriod = table.Column<int>(type: "INTEGER", nullable: false),
                    NextDueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    NextPrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    NextInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    PenaltyAccrued = table.Column<decimal>(type: "TEXT", nullable: false),
                    CompoundAccrued = table.Column<decimal>(type: "TEXT", nullable: false),
                    PenaltyPending = table.Column<decimal>(type: "TEXT", nullable: false),
                    CompoundPending = table.Column<decimal>(type: "TEXT", nullable: false),
                    PenaltyPaid = table.Column<long>(type: "INTEGER", nullable: false),
                    CompoundPaid = table.Column<long>(type: "INTEGER", nullable: false),
                    InterestAccrued = table.Column<long>(type: "INTEGER", nullable: false),
                    RevolvingInterestExact = table.Column<decimal>(type: "TEXT", nullable: false),
                    InterestBooked = table.Column<long>(type: "INTEGER", nullable: false),
                    ChargesBooked = table.Column<long>(type: "INTEGER", nullable: false),
                    LastInterestAccrual = table.Column<long>(type: "INTEGER", nullable: false),
                    LastChargesAccrual = table.Column<long>(type: "INTEGER", nullable: false),
                    DaysPastDue = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<int>(type: "INTEGER", nullable: false),
                    OverduePrincipal = table.Column<long>(type: "INTEGER", nullable: false),
                    OverdueInterest = table.Column<long>(type: "INTEGER", nullable: false),
                    PenaltyUnpaid = table.Column<long>(type: "INTEGER", nullable: false),
                    CompoundUnpaid = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_positions", x => x.LoanId);
                    table.ForeignKey(
                        name: "FK_loan_positions_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loan_transactions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    ValueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", nullable: false),
                    Penalty = table.Column<decimal>(type: "TEXT", nullable: false),
                    Compound = table.Column<decimal>(type: "TEXT", nullable: false),
                    Interest = table.Column<decimal>(type: "TEXT", nullable: false),
                    Principal = table.Column<decimal>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PostedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_transactions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_loan_transactions_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_installments_DueDate",
                table: "installments",
                column: "DueDate");

            migrationBuilder.CreateIndex(
                name: "IX_journal_entries_Date",
                table: "journal_entries",
                column: "Date");

            migrationBuilder.CreateIndex(
                name: "IX_journal_entries_LoanId_Date",
                table: "journal_entries",
                columns: new[] { "LoanId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_events_LoanId_EffectiveDate",
                table: "ledger_events",
                columns: new[] { "LoanId", "EffectiveDate" });

            migrationBuilder.CreateIndex(
                name: "IX_loan_positions_Status_DaysPastDue",
                table: "loan_positions",
                columns: new[] { "Status", "DaysPastDue" });

            migrationBuilder.CreateIndex(
                name: "IX_loan_products_Code",
                table: "loan_products",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loan_snapshots_LoanId_Date",
                table: "loan_snapshots",
                columns: new[] { "LoanId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_loan_transactions_LoanId_Reference",
                table: "loan_transactions",
                columns: new[] { "LoanId", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loan_transactions_LoanId_ValueDate",
                table: "loan_transactions",
                columns: new[] { "LoanId", "ValueDate" });

            migrationBuilder.CreateIndex(
                name: "IX_loans_AccountManagerId",
                table: "loans",
                column: "AccountManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_loans_Code",
                table: "loans",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_loans_CustomerId",
                table: "loans",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_loans_OrganisationId",
                table: "loans",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_loans_OrganisationPath",
                table: "loans",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_loans_ProductId",
                table: "loans",
                column: "ProductId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "close_chunks");

            migrationBuilder.DropTable(
                name: "close_runs");

            migrationBuilder.DropTable(
                name: "installments");

            migrationBuilder.DropTable(
                name: "journal_entries");

            migrationBuilder.DropTable(
                name: "ledger_events");

            migrationBuilder.DropTable(
                name: "loan_positions");

            migrationBuilder.DropTable(
                name: "loan_snapshots");

            migrationBuilder.DropTable(
                name: "loan_transactions");

            migrationBuilder.DropTable(
                name: "loans");

            migrationBuilder.DropTable(
                name: "loan_products");
        }
    }
}
