# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# A host whose Perl the package has no glue for: the package's native part is
# copied as it ships (facade, core) but with the glue moved to a foreign key,
# so nothing may be loaded. Both console commands end with exit code 3 and
# one message naming this Perl and the builds there; the API backend returns
# undef and writes the same message to the OTRS log (the daemon and the web
# server see only the log). Each case runs in its own Perl process: the
# uncovered facade must be the only SalesForce::XS it can find.

use strict;
use warnings;

use Config;
use File::Basename qw(dirname);
use File::Copy     qw(copy);
use File::Path     qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Root   = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..' ) );
my $Key    = SalesForce::XS::Native::Key();
my ($Glue) = grep {m{/auto/SalesForce/XS/\Q$Key\E/XS\.so\z}} @DynaLoader::dl_shared_objects;
ok( $Glue, 'the glue of this Perl was found' ) or BAIL_OUT('no glue loaded');
my $AutoDir = dirname( dirname($Glue) );

# An uncovered host: the core, and a glue that is not for this Perl.
my $Foreign = '5.8-x86_64-linux-thread-multi';
my $CpanLib = tempdir( CLEANUP => 1 );
for my $Copy (
    [ $INC{'SalesForce/XS.pm'},        'SalesForce/XS.pm' ],
    [ $INC{'SalesForce/XS/Native.pm'}, 'SalesForce/XS/Native.pm' ],
    [ "$AutoDir/libsfclient.so",       'auto/SalesForce/XS/libsfclient.so' ],
    [ $Glue,                           "auto/SalesForce/XS/$Foreign/XS.so" ],
    )
{
    my $Target = File::Spec->catfile( $CpanLib, $Copy->[1] );
    make_path( dirname($Target) );
    copy( $Copy->[0], $Target ) or die "cannot copy $Copy->[0]: $!";
}

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=5,owners=2,contacts=3' );

# Runs Perl code in a child with only the uncovered native part on @INC
# (before t/lib and the repository). Returns (exit code, output).
sub RunUncovered {
    my ($Code) = @_;

    my $Script = File::Spec->catfile( $CpanLib, 'case.pl' );
    open my $FH, '>', $Script or die "cannot write $Script: $!";
    print {$FH} $Code;
    close $FH;

    local $ENV{PERL5LIB};
    delete $ENV{PERL5LIB};
    local $ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
    my $Output = qx{"$^X" -I"$CpanLib" -I"$Root/t/lib" -I"$Root" "$Script" 2>&1};
    return ( $? >> 8, $Output );
}

my $Info     = $Fake->{Info};
my $Settings = join '',
    map {"    '$_->[0]' => '$_->[1]',\n"} (
    [ 'SalesForceModule::AuthUser',     $Info->{username} ],
    [ 'SalesForceModule::AuthPassword', $Info->{password} ],
    [ 'SalesForceModule::AuthSecToken', $Info->{security_token} ],
    [ 'SalesForceModule::Proxy',        $Info->{soap_login_url} ],
    [ 'SalesForceModule::CAFile',       $Info->{ca_file} ],
    );
my $Home     = tempdir( CLEANUP => 1 );
my $Preamble = <<"EOF";
use strict;
use warnings;
no warnings 'once';
use SalesForceTest::Sync;
\$ENV{SALESFORCE_TEST_HOME} = '$Home';
\$ENV{SALESFORCE_CONFIG_XML_DIR} = '$Root/Kernel/Config/Files/XML';
%Kernel::Config::TestSettings = (
$Settings);
use Kernel::System::ObjectManager;
local \$Kernel::OM = Kernel::System::ObjectManager->new();
EOF

my $Perl = sprintf 'Perl %vd (%s, threads %s; needs build %s)', $^V, $Config{archname},
    ( $Config{useithreads} ? 'on' : 'off' ), $Key;
my $Expected
    = qr{no native part for this Perl: \Q$Perl\E\. Builds found in \Q$CpanLib\E/auto/SalesForce/XS: \Q$Foreign\E\.};

for my $Command (qw(SyncCompanies SyncCustomers)) {
    my ( $Exit, $Output ) = RunUncovered( $Preamble . <<"EOF" );
my ( \$Exit, undef, \$Out, \$Err ) = SalesForceTest::Sync->RunCommand( Command => '$Command' );
print "EXIT=\$Exit\\nOUT=\$Out\\nERR=\$Err\\n";
print "LOG=\$_->{Priority}: \$_->{Message}\\n" for \@Kernel::System::Log::AllEntries;
print "LOADED=\$_\\n" for \@DynaLoader::dl_shared_objects;
EOF
    is( $Exit, 0, "$Command: the child ran" ) or diag $Output;
    like( $Output, qr{^EXIT=3$}m, "$Command: exit code 3 (nothing was done)" ) or diag $Output;
    like( $Output, qr{^ERR=.*$Expected}ms, "$Command: STDERR names this Perl and the builds there" )
        or diag $Output;
    my @Logged = $Output =~ m{^LOG=error: (.*)$}mg;
    is( scalar @Logged, 1, "$Command: one entry in the OTRS log" ) or diag $Output;
    like( $Logged[0] // '', qr{$Expected}, "$Command: the OTRS log says the same" );
    unlike( $Output, qr{^LOADED=.*SalesForce}m, "$Command: no native file of the package was loaded" );
    unlike( $Output, qr{Attempt to reload},     "$Command: every message gives the reason, not Perl's reload refusal" );
    like(
        $Output, qr{^ERR=Error: Nothing was changed: Salesforce could not be read: CONFIG: SalesForce::XS: $Expected}m,
        "$Command: the final error line gives the reason too"
    ) or diag $Output;
}

# The API backend, as the daemon and the web server use it.
my ( $Exit, $Output ) = RunUncovered( $Preamble . <<'EOF' );
my $Result = $Kernel::OM->Get('Kernel::System::SalesForce')->Query( Query => 'SELECT Id FROM Account' );
print 'RESULT=', ( defined $Result ? 'defined' : 'undef' ), "\n";
print "LOG=$_->{Priority}: $_->{Message}\n" for @Kernel::System::Log::AllEntries;
EOF
like( $Output, qr{^RESULT=undef$}m, 'API backend: Query returns undef' ) or diag $Output;
like(
    $Output,
    qr{^LOG=error: .*Query: SalesForce::XS: $Expected}m,
    'API backend: the OTRS log names this Perl and the builds'
    )
    or diag $Output;

done_testing();
