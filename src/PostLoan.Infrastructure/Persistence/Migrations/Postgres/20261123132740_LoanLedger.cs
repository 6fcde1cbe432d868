using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
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
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    FromLoanId = table.Column<long>(type: "bigint", nullable: false),
                    ToLoanId = table.Column<long>(type: "bigint", nullable: false),
                    LoansClosed = table.Column<int>(type: "integer", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_close_chunks", x => new { x.Date, x.Number });
                });

            migrationBuilder.CreateTable(
                name: "close_runs",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    ChunkCount = table.Column<int>(type: "integer", nullable: false),
                    LoansClosed = table.Column<long>(type: "bigint", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    StartedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_close_runs", x => x.Date);
                });

            migrationBuilder.CreateTable(
                name: "journal_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    LoanId = table.Column<long>(type: "bigint", nullable: true),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DebitAccount = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreditAccount = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loan_products",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Method = table.Column<int>(type: "integer", nullable: false),
                    InterestFrequency = table.Column<int>(type: "integer", nullable: false),
                    PenaltyMarkup = table.Column<decimal>(type: "numeric", nullable: false),
                    GraceDays = table.Column<int>(type: "integer", nullable: false),
                    AllocationOrder = table.Column<int>(type: "integer", nullable: false),
                    ShiftHolidays = table.Column<bool>(type: "boolean", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_products", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "loan_snapshots",
                columns: table => new
                {
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    ClosedThrough = table.Column<DateOnly>(type: "date", nullable: false),
                    StartedThrough = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "numeric", nullable: false),
                    PrincipalOutstanding = table.Column<decimal>(type: "numeric", nullable: false),
                    PrincipalNotDue = table.Column<decimal>(type: "numeric", nullable: false),
                    DuePrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    DueInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    DueTodayPrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    DueTodayInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    OldestUnpaidDue = table.Column<DateOnly>(type: "date", nullable: true),
                    LastDueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    NextPeriod = table.Column<int>(type: "integer", nullable: false),
                    NextDueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    NextPrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    NextInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyPending = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundPending = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyPaid = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundPaid = table.Column<decimal>(type: "numeric", nullable: false),
                    InterestAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    RevolvingInterestExact = table.Column<decimal>(type: "numeric", nullable: false),
                    InterestBooked = table.Column<decimal>(type: "numeric", nullable: false),
                    ChargesBooked = table.Column<decimal>(type: "numeric", nullable: false),
                    LastInterestAccrual = table.Column<decimal>(type: "numeric", nullable: false),
                    LastChargesAccrual = table.Column<decimal>(type: "numeric", nullable: false),
                    DaysPastDue = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    Stage = table.Column<int>(type: "integer", nullable: false),
                    OverduePrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    OverdueInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyUnpaid = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundUnpaid = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_loan_snapshots", x => new { x.Date, x.LoanId });
                });

            migrationBuilder.CreateTable(
                name: "loans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ContractNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    ProductId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "text", nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Principal = table.Column<decimal>(type: "numeric", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "numeric", nullable: false),
                    TermMonths = table.Column<int>(type: "integer", nullable: false),
                    Method = table.Column<int>(type: "integer", nullable: false),
                    InterestFrequency = table.Column<int>(type: "integer", nullable: false),
                    DisbursementDate = table.Column<DateOnly>(type: "date", nullable: false),
                    MaturityDate = table.Column<DateOnly>(type: "date", nullable: false),
                    PenaltyMarkup = table.Column<decimal>(type: "numeric", nullable: false),
                    GraceDays = table.Column<int>(type: "integer", nullable: false),
                    AllocationOrder = table.Column<int>(type: "integer", nullable: false),
                    Purpose = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    GuaranteeMethod = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Principal = table.Column<decimal>(type: "numeric", nullable: false),
                    Interest = table.Column<decimal>(type: "numeric", nullable: false),
                    PrincipalPaid = table.Column<decimal>(type: "numeric", nullable: false),
                    InterestPaid = table.Column<decimal>(type: "numeric", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    EffectiveDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Approver = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Detail = table.Column<string>(type: "text", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    ClosedThrough = table.Column<DateOnly>(type: "date", nullable: false),
                    StartedThrough = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    AnnualRate = table.Column<decimal>(type: "numeric", nullable: false),
                    PrincipalOutstanding = table.Column<decimal>(type: "numeric", nullable: false),
                    PrincipalNotDue = table.Column<decimal>(type: "numeric", nullable: false),
                    DuePrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    DueInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    DueTodayPrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    DueTodayInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    OldestUnpaidDue = table.Column<DateOnly>(type: "date", nullable: true),
                    LastDueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    NextPeriod = table.Column<int>(type: "integer", nullable: false),
                    NextDueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    NextPrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    NextInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyPending = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundPending = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyPaid = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundPaid = table.Column<decimal>(type: "numeric", nullable: false),
                    InterestAccrued = table.Column<decimal>(type: "numeric", nullable: false),
                    RevolvingInterestExact = table.Column<decimal>(type: "numeric", nullable: false),
                    InterestBooked = table.Column<decimal>(type: "numeric", nullable: false),
                    ChargesBooked = table.Column<decimal>(type: "numeric", nullable: false),
                    LastInterestAccrual = table.Column<decimal>(type: "numeric", nullable: false),
                    LastChargesAccrual = table.Column<decimal>(type: "numeric", nullable: false),
                    DaysPastDue = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<int>(type: "integer", nullable: false),
                    Stage = table.Column<int>(type: "integer", nullable: false),
                    OverduePrincipal = table.Column<decimal>(type: "numeric", nullable: false),
                    OverdueInterest = table.Column<decimal>(type: "numeric", nullable: false),
                    PenaltyUnpaid = table.Column<decimal>(type: "numeric", nullable: false),
                    CompoundUnpaid = table.Column<decimal>(type: "numeric", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    ValueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric", nullable: false),
                    Penalty = table.Column<decimal>(type: "numeric", nullable: false),
                    Compound = table.Column<decimal>(type: "numeric", nullable: false),
                    Interest = table.Column<decimal>(type: "numeric", nullable: false),
                    Principal = table.Column<decimal>(type: "numeric", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PostedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PostedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
