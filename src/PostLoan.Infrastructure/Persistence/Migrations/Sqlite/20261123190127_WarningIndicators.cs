using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WarningIndicators : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "external_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProviderReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    EventDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    Counterparty = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Court = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CaseNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Value = table.Column<double>(type: "REAL", nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_external_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_external_events_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "external_provider_cursors",
                columns: table => new
                {
                    Provider = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastPolledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_external_provider_cursors", x => x.Provider);
                });

            migrationBuilder.CreateTable(
                name: "financial_statements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodEnd = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    Revenue = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    NetProfit = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    OperatingCashFlow = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Receivables = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    TotalAssets = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    TotalLiabilities = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    DebtRatio = table.Column<decimal>(type: "TEXT", precision: 9, scale: 2, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_financial_statements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_financial_statements_customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_loan_transactions_ValueDate",
                table: "loan_transactions",
                column: "ValueDate");

            migrationBuilder.CreateIndex(
                name: "IX_external_events_CustomerId_EventDate",
                table: "external_events",
                columns: new[] { "CustomerId", "EventDate" });

            migrationBuilder.CreateIndex(
                name: "IX_external_events_OrganisationPath",
                table: "external_events",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_external_events_Provider_ProviderReference",
                table: "external_events",
                columns: new[] { "Provider", "ProviderReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_financial_statements_CustomerId_PeriodEnd",
                table: "financial_statements",
                columns: new[] { "CustomerId", "PeriodEnd" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_financial_statements_OrganisationPath",
                table: "financial_statements",
                column: "OrganisationPath");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "external_events");

            migrationBuilder.DropTable(
                name: "external_provider_cursors");

            migrationBuilder.DropTable(
                name: "financial_statements");

            migrationBuilder.DropIndex(
                name: "IX_loan_transactions_ValueDate",
                table: "loan_transactions");
        }
    }
}
