// SPDX-License-Identifier: MIT
// Minimal Fabstir marketplace contracts: just enough state to emit the events node operators watch and to answer
// the read calls the chain monitor makes (stake, reputation, earnings). Not for production use.
pragma solidity 0.8.37;

contract NodeRegistry {
    event NodeRegistered(address indexed node, string metadata);
    event NodeSlashed(address indexed node, uint256 amount, string reason);

    address public owner;
    mapping(address => bool) public registered;
    mapping(address => uint256) public stakeOf;
    mapping(address => uint256) public reputationOf;
    uint256 public nodeCount;

    constructor() {
        owner = msg.sender;
    }

    // Registers the sender with the value sent as its stake.
    function register(string calldata metadata) external payable {
        require(!registered[msg.sender], "already registered");
        registered[msg.sender] = true;
        stakeOf[msg.sender] = msg.value;
        reputationOf[msg.sender] = 100;
        nodeCount += 1;
        emit NodeRegistered(msg.sender, metadata);
    }

    // Takes amount of the node's stake and 10 reputation points; owner only.
    function slash(address node, uint256 amount, string calldata reason) external {
        require(msg.sender == owner, "owner only");
        require(registered[node], "not registered");
        require(stakeOf[node] >= amount, "amount above stake");
        stakeOf[node] -= amount;
        reputationOf[node] = reputationOf[node] >= 10 ? reputationOf[node] - 10 : 0;
        emit NodeSlashed(node, amount, reason);
    }
}

contract PaymentEscrow {
    event PaymentReleased(uint256 indexed jobId, address indexed host, uint256 amount);

    struct Deposit {
        address host;
        address renter;
        uint256 amount;
        bool released;
    }

    address public marketplace;
    mapping(uint256 => Deposit) public deposits;
    mapping(address => uint256) public earnings;

    function setMarketplace(address m) external {
        require(marketplace == address(0), "already set");
        marketplace = m;
    }

    function deposit(uint256 jobId, address host, address renter) external payable {
        require(msg.sender == marketplace, "marketplace only");
        deposits[jobId] = Deposit(host, renter, msg.value, false);
    }

    // Pays the job's host; called by the job's renter.
    function release(uint256 jobId) external {
        Deposit storage d = deposits[jobId];
        require(d.host != address(0), "no deposit");
        require(!d.released, "already released");
        require(msg.sender == d.renter, "renter only");
        d.released = true;
        earnings[d.host] += d.amount;
        (bool ok, ) = payable(d.host).call{value: d.amount}("");
        require(ok, "payment failed");
        emit PaymentReleased(jobId, d.host, d.amount);
    }
}

contract JobMarketplace {
    event JobPosted(uint256 indexed jobId, address indexed renter, string modelId, uint256 payment);
    event JobCompleted(uint256 indexed jobId, string resultCID);

    struct Job {
        address renter;
        string modelId;
        uint256 payment;
        uint256 postedAt;
        address host;
        uint256 completedAt;
    }

    PaymentEscrow public escrow;
    uint256 public jobCount;
    mapping(uint256 => Job) public jobs;

    constructor(PaymentEscrow e) {
        escrow = e;
    }

    function postJob(string calldata modelId) external payable returns (uint256 jobId) {
        require(msg.value > 0, "payment required");
        jobCount += 1;
        jobId = jobCount;
        jobs[jobId] = Job(msg.sender, modelId, msg.value, block.timestamp, address(0), 0);
        emit JobPosted(jobId, msg.sender, modelId, msg.value);
    }

    // The sender (the host) delivers the result; the payment moves to escrow until the renter releases it.
    function completeJob(uint256 jobId, string calldata resultCID) external {
        Job storage j = jobs[jobId];
        require(j.renter != address(0), "no such job");
        require(j.completedAt == 0, "already completed");
        j.host = msg.sender;
        j.completedAt = block.timestamp;
        escrow.deposit{value: j.payment}(jobId, msg.sender, j.renter);
        emit JobCompleted(jobId, resultCID);
    }
}

contract Governance {
    event ProposalCreated(uint256 indexed proposalId, address indexed proposer);

    uint256 public proposalCount;
    mapping(uint256 => string) public descriptions;

    function propose(string calldata description) external returns (uint256 proposalId) {
        proposalCount += 1;
        proposalId = proposalCount;
        descriptions[proposalId] = description;
        emit ProposalCreated(proposalId, msg.sender);
    }
}
