# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Structure checks of Kernel/Config/Files/XML/SalesForce.xml without OTRS
# (rules from doc/dev/DESIGN.md, "SysConfig XML" to "Package install, upgrade
# and uninstall", and "Daemon cron tasks").

use strict;
use warnings;
use utf8;

use File::Basename qw(dirname);
use File::Spec;
use Test::More;
use XML::LibXML;

my $Root = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..' ) );
my $File = $ENV{SALESFORCE_SYSCONFIG_XML}
    || File::Spec->catfile( $Root, 'Kernel', 'Config', 'Files', 'XML', 'SalesForce.xml' );

my $Document = XML::LibXML->load_xml( location => $File );
my $Config   = $Document->documentElement();

is( $Config->nodeName(),              'otrs_config', 'root element is otrs_config' );
is( $Config->getAttribute('version'), '2.0',         'otrs_config version is 2.0' );
is( $Config->getAttribute('init'),    'Application', 'packages use init="Application"' );

my %KnownValueType = map { $_ => 1 } qw(
    String Password Textarea Checkbox Select Option Entity Date DateTime PerlModule File Directory
    TimeZone VacationDays VacationDaysOneTime WorkingHours FrontendNavigation FrontendRegistration YAML
);

my @Settings = $Config->getChildrenByTagName('Setting');
ok( scalar @Settings, 'the file has settings' );

my %Setting;
for my $Node (@Settings) {
    my $Name = $Node->getAttribute('Name') // '';
    ok( $Name ne '' && length $Name <= 250, "setting name '$Name' present and at most 250 characters" );
    ok( !exists $Setting{$Name},            "$Name: name is unique" );
    $Setting{$Name} = $Node;

    for my $Attribute (qw(Required Valid)) {
        like( $Node->getAttribute($Attribute) // '', qr/\A[01]\z/, "$Name: attribute $Attribute is 0 or 1" );
    }

    my @Descriptions = $Node->getChildrenByTagName('Description');
    is( scalar @Descriptions, 1, "$Name: one Description" );
    ok( length( $Descriptions[0] ? $Descriptions[0]->textContent() : '' ) >= 20, "$Name: Description says something" );
    is( $Descriptions[0] && $Descriptions[0]->getAttribute('Translatable'), '1', "$Name: Description is translatable" );

    my @Navigations = $Node->getChildrenByTagName('Navigation');
    is( scalar @Navigations, 1, "$Name: one Navigation" );
    like(
        $Navigations[0] ? $Navigations[0]->textContent() : '', qr/\A[A-Za-z]+(?:::[A-Za-z]+)*\z/,
        "$Name: Navigation is a :: path"
    );

    my @Values = $Node->getChildrenByTagName('Value');
    is( scalar @Values, 1, "$Name: one Value" );
    CheckValue( $Name, $Values[0] ) if $Values[0];
}

# Walks a <Value>, checking every Item's type, and every default against its ValueRegex.
sub CheckValue {
    my ( $Name, $Value ) = @_;

    my @Children = grep { $_->nodeType() == XML_ELEMENT_NODE } $Value->childNodes();
    is( scalar @Children, 1, "$Name: Value holds one element" );
    my $Child = $Children[0] or return;

    if ( $Child->nodeName() eq 'Item' ) {
        CheckItem( $Name, $Child );
    }
    elsif ( $Child->nodeName() eq 'Hash' || $Child->nodeName() eq 'Array' ) {
        CheckStructure( $Name, $Child );
    }
    else {
        fail( "$Name: unexpected element <" . $Child->nodeName() . '> in Value' );
    }
    return;
}

sub CheckStructure {
    my ( $Name, $Structure ) = @_;

    my $IsHash = $Structure->nodeName() eq 'Hash';
    my %Keys;
    for my $Item ( grep { $_->nodeType() == XML_ELEMENT_NODE } $Structure->childNodes() ) {
        if ( $Item->nodeName() eq 'DefaultItem' ) {
            ok( $KnownValueType{ $Item->getAttribute('ValueType') // 'String' }, "$Name: DefaultItem type known" );
            next;
        }
        is( $Item->nodeName(), 'Item', "$Name: structure holds Items" );
        if ($IsHash) {
            my $Key = $Item->getAttribute('Key');
            ok( defined $Key && $Key ne '', "$Name: Hash item has a Key" );
            ok( !$Keys{ $Key // '' }++,     "$Name: Hash key '" . ( $Key // '' ) . "' unique" );
        }
        my @Nested = grep { $_->nodeType() == XML_ELEMENT_NODE } $Item->childNodes();
        if ( @Nested && ( $Nested[0]->nodeName() eq 'Hash' || $Nested[0]->nodeName() eq 'Array' ) ) {
            CheckStructure( $Name, $Nested[0] );
        }
        else {
            CheckItem( $Name, $Item );
        }
    }
    return;
}

sub CheckItem {
    my ( $Name, $Item ) = @_;

    my $Type = $Item->getAttribute('ValueType') // 'String';
    ok( $KnownValueType{$Type}, "$Name: ValueType '$Type' is known" );

    if ( $Type eq 'Select' ) {
        my @Options  = $Item->getChildrenByTagName('Item');
        my %Values   = map { ( $_->getAttribute('Value') // '' ) => 1 } @Options;
        my $Selected = $Item->getAttribute('SelectedID') // '';
        ok( scalar @Options, "$Name: Select has Options" );
        is(
            scalar( grep { ( $_->getAttribute('ValueType') // '' ) eq 'Option' } @Options ),
            scalar @Options, "$Name: all Select items are Options"
        );
        ok( $Values{$Selected}, "$Name: SelectedID '$Selected' is one of the Options" );
        return;
    }

    my $Default = $Item->textContent();
    if ( $Type eq 'Checkbox' ) {
        like( $Default, qr/\A[01]\z/, "$Name: Checkbox default is 0 or 1" );
        return;
    }

    my $Regex = $Item->getAttribute('ValueRegex') // '';
    if ( $Regex ne '' ) {
        my $Compiled = eval {qr/$Regex/};
        ok( $Compiled, "$Name: ValueRegex '$Regex' compiles" );
        like( $Default, $Compiled, "$Name: default '$Default' passes its own ValueRegex" ) if $Compiled;
    }
    return;
}

# Every setting of the original 6.0.1 module is still here, with its group.
my @Original = qw(
    SalesForceModule
    SalesForceModule::AuthUser
    SalesForceModule::AuthPassword
    SalesForceModule::AuthSecToken
    SalesForceModule::Proxy
    SalesForceModule::BaseUrl
    SalesForceModule::Prefix
    SalesForceModule::SObjectUrl
    SalesForceModule::MetaDataUrl
    SalesForceModule::APIVersion
    SalesForceModule::WebProxy
    SalesForceModule::Companies::AddAttributesToParams
    SalesForceModule::Companies::Where
    SalesForceModule::Companies::Limit
    SalesForceModule::Companies::DeleteOld
    SalesForceModule::Customers::AddAttributesToParams
    SalesForceModule::Customers::Where
    SalesForceModule::Customers::Limit
    SalesForceModule::Customers::DefaultCustomerID
    SalesForceModule::Customers::DeleteOld
    SalesForceModule::ValidData
);

for my $Name (@Original) {
    ok( $Setting{$Name}, "original setting $Name present" ) or next;
    is(
        $Setting{$Name}->getChildrenByTagName('Navigation')->[0]->textContent(),
        'Core::SalesForce', "$Name keeps navigation Core::SalesForce"
    );
}

my %Expected = (
    'SalesForceModule::AuthPassword'          => 'Password',
    'SalesForceModule::AuthSecToken'          => 'Password',
    'SalesForceModule::OAuth::ClientSecret'   => 'Password',
    'SalesForceModule::OAuth::PrivateKey'     => 'Password',
    'SalesForceModule::OAuth::RefreshToken'   => 'Password',
    'SalesForceModule'                        => 'Checkbox',
    'SalesForceModule::RevalidateManual'      => 'Checkbox',
    'SalesForceModule::AuthFlow'              => 'Select',
    'SalesForceModule::Customers::Mode'       => 'Select',
    'SalesForceModule::Customers::LoginField' => 'Select',
    'SalesForceModule::Cleanup::Action'       => 'Select',
    'SalesForceModule::Companies::Where'      => 'Textarea',
);
for my $Name ( sort keys %Expected ) {
    ok( $Setting{$Name}, "setting $Name present" ) or next;
    my ($Item) = $Setting{$Name}->findnodes('./Value/Item');
    is( $Item && $Item->getAttribute('ValueType'), $Expected{$Name}, "$Name has ValueType $Expected{$Name}" );
}

# Secrets: everything that names a password, token, secret or key is a Password
# (the private key *file* setting holds a path, not the key).
for my $Name ( sort keys %Setting ) {
    next if $Name !~ /(Password|Token|Secret|PrivateKey)\z/;
    my ($Item) = $Setting{$Name}->findnodes('./Value/Item');
    is( $Item && $Item->getAttribute('ValueType'), 'Password', "secret setting $Name is ValueType Password" );
}

my %Defaults = (
    'SalesForceModule::Proxy'                        => 'https://login.salesforce.com/services/Soap/u/64.0',
    'SalesForceModule::APIVersion'                   => '64.0',
    'SalesForceModule::OAuth::LoginHost'             => 'https://login.salesforce.com',
    'SalesForceModule::ConnectTimeout'               => '10',
    'SalesForceModule::Timeout'                      => '120',
    'SalesForceModule::BatchSize'                    => '2000',
    'SalesForceModule::Companies::NameFormat'        => '{Name} ({Id})',
    'SalesForceModule::Cleanup::MaxSharePercent'     => '10',
    'SalesForceModule::RevalidateManual'             => '0',
    'SalesForceModule::Companies::DeleteOld'         => '00*',
    'SalesForceModule::Customers::DefaultCustomerID' => '1',
    'SalesForceModule::RunHistory::RetentionDays'    => '90',
);
for my $Name ( sort keys %Defaults ) {
    ok( $Setting{$Name}, "setting $Name present" ) or next;
    my ($Item) = $Setting{$Name}->findnodes('./Value/Item');
    is( $Item && $Item->textContent(), $Defaults{$Name}, "$Name default" );
}

my %Selects = (
    'SalesForceModule::AuthFlow' =>
        [ 'soap-login', qw(soap-login oauth-client-credentials oauth-jwt oauth-password oauth-refresh-token) ],
    'SalesForceModule::Customers::Mode'       => [ 'AccountOwner', qw(AccountOwner Contact) ],
    'SalesForceModule::Customers::LoginField' => [ 'Id',           qw(Id Email) ],
    'SalesForceModule::Cleanup::Action'       => [ 'invalidate',   qw(invalidate delete) ],
);
for my $Name ( sort keys %Selects ) {
    my ( $Selected, @Options ) = @{ $Selects{$Name} };
    my ($Item) = $Setting{$Name} ? $Setting{$Name}->findnodes('./Value/Item') : ();
    ok( $Item, "$Name present" ) or next;
    is( $Item->getAttribute('SelectedID'), $Selected, "$Name default $Selected" );
    is_deeply(
        [ map { $_->getAttribute('Value') } $Item->getChildrenByTagName('Item') ],
        \@Options, "$Name options"
    );
}

like(
    $Setting{'SalesForceModule::AuthFlow'}->getChildrenByTagName('Description')->[0]->textContent(),
    qr/65\.0.*2027.*February 2027.*client credentials.*JWT/s,
    'AuthFlow description explains the retirements and the recommended flows'
);

for my $Name (qw(SalesForceModule::Companies::Limit SalesForceModule::Customers::Limit)) {
    is( $Setting{$Name}->getAttribute('Valid'), '0', "$Name ships disabled like the original" );
}

# Cron tasks (doc/dev/DESIGN.md, "Daemon cron tasks"): every 5 minutes, the
# customers 2 minutes after the companies (customer users link to them).
my %Schedule = (
    SalesForceSyncCompanies => [ '*/5 * * * *',    'SyncCompanies' ],
    SalesForceSyncCustomers => [ '2-59/5 * * * *', 'SyncCustomers' ],
);
for my $Key ( sort keys %Schedule ) {
    my $Name = "Daemon::SchedulerCronTaskManager::Task###$Key";
    ok( $Setting{$Name}, "$Name present" ) or next;
    is( $Setting{$Name}->getAttribute('Valid'), '0', "$Name ships disabled" );
    my %Item = map { $_->getAttribute('Key') => $_ } $Setting{$Name}->findnodes('./Value/Hash/Item');
    is( $Item{TaskName}->textContent(),                 $Key,                 "$Name: TaskName equals the ### key" );
    is( $Item{Function}->textContent(),                 'Execute',            "$Name: Function is Execute" );
    is( $Item{Schedule}->textContent(),                 $Schedule{$Key}->[0], "$Name: Schedule" );
    is( $Item{MaximumParallelInstances}->textContent(), '1',                  "$Name: one instance at a time" );
    is(
        $Item{Module}->textContent(),
        "Kernel::System::Console::Command::Admin::SalesForce::$Schedule{$Key}->[1]", "$Name: Module"
    );
    my @Params = $Item{Params}->findnodes('./Array/Item');
    ok( scalar( $Item{Params}->findnodes('./Array') ), "$Name: Params is an Array (argv)" );
    is_deeply( [ map { $_->textContent() } @Params ], ['--quiet'], "$Name: Params argv" );
}

# The Kernel::Config stand-in sees the shipped defaults as a deployment would.
{
    local @INC = ( File::Spec->catdir( $Root, 't', 'lib' ), @INC );
    require Kernel::Config;
    my $ConfigObject = Kernel::Config->new();
    is( $ConfigObject->Get('SalesForceModule'),                   '1',          'Config: Checkbox value' );
    is( $ConfigObject->Get('SalesForceModule::AuthFlow'),         'soap-login', 'Config: Select gives SelectedID' );
    is( $ConfigObject->Get('SalesForceModule::APIVersion'),       '64.0',       'Config: String value' );
    is( $ConfigObject->Get('SalesForceModule::Companies::Limit'), undef,        'Config: Valid="0" setting is absent' );
    is( ref $ConfigObject->Get('SalesForceModule::Companies::AddAttributesToParams'), 'HASH', 'Config: Hash' );
    is(
        $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'), undef,
        'Config: Get(A###B) is undef'
    );
}

done_testing();
