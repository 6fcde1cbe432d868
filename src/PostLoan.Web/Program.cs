using PostLoan.Cli;
using PostLoan.Web;

// ./postloan runs this: the command line of PostLoan, whose 'serve' command hosts the web application.
return await PostLoanCommandLine.RunAsync(args, PostLoanWebApp.ServeAsync);
