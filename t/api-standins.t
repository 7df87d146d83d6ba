# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The OTRS stand-ins under t/lib behave like OTRS where the backend relies on it
# (doc/dev/DESIGN.md: "Reading settings at runtime", "Object manager",
# "Kernel::System::Log", "Kernel::System::JSON", "Stand-in behaviour checklist").

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use Cwd        qw(abs_path);
use File::Path qw(make_path);
use File::Temp qw(tempdir);
use FindBin    qw($Bin);
use Test::More;

use Kernel::System::ObjectManager;

## no critic (Modules::ProhibitMultiplePackages)
{

    package Test::NoDependencies;    ## no critic
    sub new { return bless {}, shift }
}
{

    package Test::Dependent;         ## no critic
    our @ObjectDependencies = ('Kernel::System::Log');
    sub new { my ( $Class, %Param ) = @_; return bless {%Param}, $Class }
}
{

    package Test::Failing;           ## no critic
    our @ObjectDependencies = ();
    sub new {return}
}
$INC{'Test/NoDependencies.pm'} = $INC{'Test/Dependent.pm'} = $INC{'Test/Failing.pm'} = __FILE__;

# --- ObjectManager ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new( 'Test::Dependent' => { A => 1 } );
    $Kernel::OM->ObjectParamAdd(
        'Test::Dependent' => {
            B => 2,
            A => undef
        }
    );
    my $Object = $Kernel::OM->Get('Test::Dependent');
    is_deeply( {%$Object}, { B => 2 }, 'params from new() and ObjectParamAdd (undef removes)' );
    is( $Kernel::OM->Get('Test::Dependent'), $Object, 'Get returns a singleton' );
    $Kernel::OM->ObjectParamAdd( 'Test::Dependent' => { C => 3 } );
    ok( !exists $Kernel::OM->Get('Test::Dependent')->{C}, 'ObjectParamAdd after Get has no effect' );

    eval { $Kernel::OM->Get('Test::NoDependencies') };
    like( $@, qr/does not declare its object dependencies/, 'a module without @ObjectDependencies dies' );
    eval { $Kernel::OM->Get('Test::Failing') };
    like( $@, qr/The constructor of Test::Failing returned undef/, 'a constructor returning undef dies' );
    is( $Kernel::OM->Create( 'Test::Failing', Silent => 1 ), undef, 'Create with Silent gives undef' );

    my $Log = $Kernel::OM->Get('Kernel::System::Log');
    $Kernel::OM->ObjectsDiscard( Objects => ['Kernel::System::Log'] );
    isnt( $Kernel::OM->Get('Kernel::System::Log'), $Log,    'ObjectsDiscard drops the object' );
    isnt( $Kernel::OM->Get('Test::Dependent'),     $Object, '... and the objects that depend on it' );

    my $Double = bless {}, 'Test::Double';
    $Kernel::OM->ObjectInstanceRegister(
        Package => 'Kernel::System::Main',
        Object  => $Double
    );
    is( $Kernel::OM->Get('Kernel::System::Main'), $Double, 'ObjectInstanceRegister injects an instance' );
}

# --- Kernel::Config ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    is(
        $ConfigObject->Get('SalesForceModule::Proxy'), 'https://login.salesforce.com/services/Soap/u/64.0',
        'shipped default'
    );
    is( $ConfigObject->Get('SalesForceModule::Customers::Limit'), undef, 'Valid="0" setting absent' );
    is(
        $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'), undef,
        'Get(A###B) is undef'
    );
    $ConfigObject->Set(
        Key   => 'Daemon::SchedulerCronTaskManager::Task###X',
        Value => { TaskName => 'X' }
    );
    is( $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task')->{X}->{TaskName}, 'X', 'Set(A###B) nests' );
    is( $ConfigObject->{'SalesForceModule::APIVersion'}, '64.0',                            'Config is a plain hash' );

    local $Kernel::Config::TestSettings{'SalesForceModule::APIVersion'} = '62.0';
    is( Kernel::Config->new()->Get('SalesForceModule::APIVersion'), '62.0', 'TestSettings apply to new objects' );
}

# --- Kernel::Config: its home never comes from the caller's environment ---
# A child process reports Home, the shipped Proxy default (only in this
# repository's XML) and a setting only the foreign XML has. "Real OTRS": a
# directory with bin/otrs.Console.pl and its own SysConfig XML; "plain": a
# directory with the same XML but no OTRS.
{
    my $Work = tempdir( CLEANUP => 1 );
    my %Dir  = (
        RealOTRS => "$Work/otrs",
        Plain    => "$Work/plain"
    );
    for my $Dir ( values %Dir ) {
        make_path( "$Dir/bin", "$Dir/Kernel/Config/Files/XML" );
        open my $FH, '>', "$Dir/Kernel/Config/Files/XML/Foreign.xml" or die $!;    ## no critic
        print {$FH} <<'EOF';
<?xml version="1.0" encoding="utf-8" ?>
<otrs_config version="2.0" init="Application">
    <Setting Name="StandInProbe" Required="0" Valid="1">
        <Description Translatable="1">Only in the foreign XML.</Description>
        <Navigation>Core</Navigation>
        <Value><Item ValueType="String" ValueRegex="">foreign</Item></Value>
    </Setting>
</otrs_config>
EOF
        close $FH;
    }
    open my $Console, '>', "$Dir{RealOTRS}/bin/otrs.Console.pl" or die $!;    ## no critic
    close $Console;

    my $Root    = abs_path("$Bin/..");
    my @Include = map {"-I$_"} grep { !ref } @INC;
    my $Code    = <<'EOF';
use Kernel::Config;
$ENV{SALESFORCE_TEST_HOME} = $ARGV[0] if @ARGV;
my $ConfigObject = eval { Kernel::Config->new() };
if ( !$ConfigObject ) { print "died: $@"; exit 0; }
print join ' | ', map { $_ // 'undef' } $ConfigObject->Get('Home'),
    $ConfigObject->Get('SalesForceModule::Proxy'), $ConfigObject->Get('StandInProbe');
EOF
    my $Child = sub {
        my (%Param) = @_;
        local $ENV{OTRS_HOME} = $Param{Inherited};
        delete $ENV{OTRS_HOME} if !defined $Param{Inherited};
        delete local $ENV{SALESFORCE_TEST_HOME};
        my $Pid = open my $Pipe, '-|', $^X, @Include, '-e', $Code, @{ $Param{Set} || [] };    ## no critic
        die "cannot start $^X: $!" if !$Pid;
        my $Output = do { local $/ = undef; <$Pipe> };
        close $Pipe;
        my ( $Home, @Values ) = split / \| /, $Output // '';
        return ( ( $Home && $Home !~ /\n/ && -d $Home ? abs_path($Home) : $Home ), @Values );
    };
    my @Shipped = ( 'https://login.salesforce.com/services/Soap/u/64.0', 'undef' );

    is_deeply(
        [ $Child->( Inherited => $Dir{RealOTRS} ) ],
        [ $Root, @Shipped ],
        'OTRS_HOME from the shell, a real OTRS: ignored (repository, shipped XML)'
    );
    is_deeply(
        [ $Child->( Inherited => $Dir{Plain} ) ],
        [ $Root, @Shipped ],
        'OTRS_HOME from the shell, not an OTRS: ignored too'
    );
    is_deeply(
        [ $Child->( Set => [ $Dir{Plain} ] ) ],
        [ abs_path( $Dir{Plain} ), 'undef', 'foreign' ],
        'SALESFORCE_TEST_HOME set by the test: used'
    );
    my ($Died) = $Child->( Set => [ $Dir{RealOTRS} ] );
    like(
        $Died, qr/^died: SALESFORCE_TEST_HOME=\S+ holds a real OTRS/,
        'SALESFORCE_TEST_HOME pointing at a real OTRS: dies'
    );
}

# --- Log ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

    my $Stderr = '';
    {
        local $ENV{SALESFORCE_TEST_QUIET_LOG};
        local *STDERR;
        open STDERR, '>', \$Stderr or die $!;    ## no critic
        $LogObject->Log(
            Priority => 'notice',
            Message  => 'a notice'
        );
        $LogObject->Log(
            Priority => 'error',
            Message  => 'an error'
        );
    }
    like( $Stderr, qr/an error/, 'error entries go to STDERR' );
    unlike( $Stderr, qr/a notice/, 'notice entries do not' );
    is(
        $LogObject->GetLogEntry(
            Type => 'error',
            What => 'Message'
        ),
        'an error',
        'GetLogEntry error'
    );
    is(
        $LogObject->GetLogEntry(
            Type => 'notice',
            What => 'Message'
        ),
        'a notice',
        'GetLogEntry notice'
    );
    is(
        $LogObject->GetLogEntry(
            Type => 'info',
            What => 'Message'
        ),
        '',
        'GetLogEntry of nothing is empty'
    );
    like(
        $LogObject->GetLogEntry(
            Type => 'error',
            What => 'Traceback'
        ),
        qr/api-standins/,
        'Traceback'
    );
    ok( ( grep { $_->{Message} eq 'an error' } @Kernel::System::Log::AllEntries ), 'AllEntries keeps everything' );
}

# --- JSON and Main ---
{
    local $ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');
    is(
        $JSONObject->Encode(
            Data => {
                b => \1,
                a => "\x{2028}ü"
            },
            SortKeys => 1
        ),
        qq({"a":"\\u2028ü","b":true}),
        'Encode: character string, sorted, U+2028 escaped, booleans'
    );
    is_deeply(
        $JSONObject->Decode( Data => '{"x":true,"y":[false]}' ),
        {
            x => 1,
            y => [0]
        },
        'Decode: booleans as 1/0'
    );
    is( $JSONObject->Decode( Data => '{nope' ), undef, 'Decode of bad JSON is undef' );
    like(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'error' ), qr/Decoding the JSON string failed/,
        '... and logged'
    );

    my $MainObject = $Kernel::OM->Get('Kernel::System::Main');
    ok( $MainObject->Require('File::Spec'),                       'Require of an existing module' );
    ok( !$MainObject->Require( 'No::Such::Module', Silent => 1 ), 'Require of a missing module fails' );
    my $Dir     = tempdir( CLEANUP => 1 );
    my $Content = "line1\nzwei ü\n";
    ok(
        $MainObject->FileWrite(
            Location => "$Dir/f",
            Content  => \$Content,
            Mode     => 'utf8'
        ),
        'FileWrite'
    );
    is(
        ${ $MainObject->FileRead( Location => "$Dir/f", Mode => 'utf8' ) },
        $Content,
        'FileRead'
    );
    is(
        scalar @{ $MainObject->FileRead( Directory => $Dir, Filename => 'f', Result => 'ARRAY' ) },
        2,
        'FileRead ARRAY'
    );
}

done_testing();
